"""The Keras "DDPG on Pendulum" update (keras-io examples/rl/ddpg_pendulum.py)
in PyTorch, as a PyTorch user would write it (CleanRL's ddpg_continuous_action.py
style), pinned to one thread. The same networks as bench/peers/tfjs-ddpg.mjs:

  actor   3 -> 256 relu -> 256 relu -> 1 tanh, x 2 (Pendulum-v1's bound)
  critic  state 3 -> 16 relu -> 32 relu; action 1 -> 32 relu;
          concat(64) -> 256 relu -> 256 relu -> 1
  Adam 1e-3 (actor) / 2e-3 (critic), batch 64, gamma 0.99, tau 0.005

Driven by bench/peers/torch.mjs over stdin/stdout, one JSON object per line:
  {"cmd": "check", "nets": {...}, "batch": {...}}  one update from given weights
  {"cmd": "round", "ms": 300}                       updates for that long, each timed
  {"cmd": "quit"}
"""
import json
import sys
import time

import numpy as np
import torch
from torch import nn

torch.set_num_threads(1)
torch.set_num_interop_threads(1)

GAMMA, TAU, ACTOR_LR, CRITIC_LR, BATCH, BOUND = 0.99, 0.005, 1e-3, 2e-3, 64, 2.0
# Keras's Adam epsilon; ddpg-wasm's check runs with adamEpsMode 'pytorch' (eps added to sqrt(v_hat)), PyTorch's form.
EPS = 1e-7


class Actor(nn.Module):
    def __init__(self):
        super().__init__()
        self.layers_0, self.layers_1, self.layers_2 = nn.Linear(3, 256), nn.Linear(256, 256), nn.Linear(256, 1)

    def forward(self, s):
        h = torch.relu(self.layers_1(torch.relu(self.layers_0(s))))
        return torch.tanh(self.layers_2(h)) * BOUND


class Critic(nn.Module):
    def __init__(self):
        super().__init__()
        self.branch0_0, self.branch0_1, self.branch1_0 = nn.Linear(3, 16), nn.Linear(16, 32), nn.Linear(1, 32)
        self.layers_0, self.layers_1, self.layers_2 = nn.Linear(64, 256), nn.Linear(256, 256), nn.Linear(256, 1)

    def forward(self, s, a):
        hs = torch.relu(self.branch0_1(torch.relu(self.branch0_0(s))))
        ha = torch.relu(self.branch1_0(a))
        h = torch.relu(self.layers_1(torch.relu(self.layers_0(torch.cat([hs, ha], 1)))))
        return self.layers_2(h)


actor, critic, actor_t, critic_t = Actor(), Critic(), Actor(), Critic()
actor_t.load_state_dict(actor.state_dict())
critic_t.load_state_dict(critic.state_dict())
actor_opt = torch.optim.Adam(actor.parameters(), lr=ACTOR_LR, eps=EPS)
critic_opt = torch.optim.Adam(critic.parameters(), lr=CRITIC_LR, eps=EPS)


def update(s, a, r, s2, d):
    with torch.no_grad():
        y = r + GAMMA * (1 - d) * critic_t(s2, actor_t(s2))
    critic_loss = ((y - critic(s, a)) ** 2).mean()
    critic_opt.zero_grad()
    critic_loss.backward()
    critic_opt.step()
    actor_loss = -critic(s, actor(s)).mean()
    actor_opt.zero_grad()
    actor_loss.backward()
    actor_opt.step()
    with torch.no_grad():
        for net, tgt in ((actor, actor_t), (critic, critic_t)):
            for p, tp in zip(net.parameters(), tgt.parameters()):
                tp.mul_(1 - TAU).add_(p, alpha=TAU)
    return critic_loss.item(), actor_loss.item()


# A replay buffer of Pendulum-shaped transitions (cos, sin, theta-dot; torque; reward); the update's cost does not depend on the values.
rng = np.random.default_rng(7)
N = 2000
buf_s = rng.uniform([-1, -1, -8], [1, 1, 8], (N, 3)).astype(np.float32)
buf_a = rng.uniform(-2, 2, (N, 1)).astype(np.float32)
buf_r = rng.uniform(-16.3, 0, (N, 1)).astype(np.float32)
buf_s2 = rng.uniform([-1, -1, -8], [1, 1, 8], (N, 3)).astype(np.float32)
buf_d = np.zeros((N, 1), np.float32)


def sampled_update():
    i = rng.integers(0, N, BATCH)
    return update(*(torch.from_numpy(b[i]) for b in (buf_s, buf_a, buf_r, buf_s2, buf_d)))


NETS = {"actor": actor, "critic": critic, "actorTarget": actor_t, "criticTarget": critic_t}


def layer(net, name):
    """'branch0.1.W' -> (the nn.Linear branch0_1, 'W')."""
    path, kind = name.rsplit(".", 1)
    return getattr(net, path.replace(".", "_")), kind


def check(msg):
    """Loads ddpg-wasm's weights (W as [fanIn, fanOut], the transpose of nn.Linear.weight), runs one update on its batch."""
    with torch.no_grad():
        for key, spec in msg["nets"].items():
            flat = spec["params"]
            for e in spec["layout"]:
                lin, kind = layer(NETS[key], e["name"])
                n = int(np.prod(e["shape"]))
                t = torch.tensor(flat[e["offset"]:e["offset"] + n], dtype=torch.float32).reshape(e["shape"])
                (lin.weight if kind == "W" else lin.bias).copy_(t.T if kind == "W" else t)
    b = msg["batch"]
    col = lambda k, w: torch.tensor(b[k], dtype=torch.float32).reshape(-1, w)
    closs, aloss = update(col("obs", 3), col("action", 1), col("reward", 1), col("nextObs", 3), col("done", 1))
    params = {}
    for key, spec in msg["nets"].items():
        out = [0.0] * len(spec["params"])
        for e in spec["layout"]:
            lin, kind = layer(NETS[key], e["name"])
            t = (lin.weight.T if kind == "W" else lin.bias).detach().reshape(-1).tolist()
            out[e["offset"]:e["offset"] + len(t)] = t
        params[key] = out
    return {"criticLoss": closs, "actorLoss": aloss, "params": params}


def timed_round(ms):
    times, start = [], time.perf_counter()
    while True:
        t0 = time.perf_counter()
        sampled_update()
        t1 = time.perf_counter()
        times.append((t1 - t0) * 1e3)
        if (t1 - start) * 1e3 >= ms:
            return {"times": times}


config = torch.__config__.show()
blas = config.split("BLAS_INFO=")[1].split(",")[0] if "BLAS_INFO=" in config else "?"
print(json.dumps({"torch": torch.__version__, "threads": torch.get_num_threads(), "python": sys.version.split()[0], "blas": blas}), flush=True)
for line in sys.stdin:
    msg = json.loads(line)
    if msg["cmd"] == "quit":
        break
    reply = check(msg) if msg["cmd"] == "check" else timed_round(msg["ms"])
    print(json.dumps(reply), flush=True)
