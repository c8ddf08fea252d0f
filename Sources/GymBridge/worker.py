# The SwiftRL Gymnasium worker: runs one Gymnasium environment and answers SwiftRL's
# requests on file descriptor 3 (a Unix stream socket). Started by GymBridge's
# PythonWorker as `python3 -c <this file> ID KWARGS_JSON RENDER_MODE FLAGS_JSON`.
#
# Wire format (little-endian). A request is u32 length (of what follows), u8 opcode, i16
# core to pin this process to first (-1: stay; set once with share_core) and a payload; a reply is u32 length, u8 status (0 ok, 1 error) and a payload. An error
# payload is UTF-8 JSON {"kind", "message", "traceback", ...}.
#   hello (sent once, unasked): JSON metadata of the spaces and the spec.
#   1 reset:  u8 has_seed, u64 seed           -> observation bytes, info
#   2 step:   action (i64, or f32 array, or i64 array) -> f64 reward, u8 terminated,
#             u8 truncated, observation bytes, info
#   3 render:                                 -> u32 height, u32 width, RGB bytes
#   4 close:                                  -> (empty), then exit
#   5 shared memory: u64 size                 -> (empty); from then on Box observations
#             are written to the shared-memory file on descriptor 4 and left out of replies
#   6 repeat: u32 count, u64 mask, action -> u32 steps taken, f64 reward of each, u8
#             terminated, u8 truncated (of the last), info (of the last), then the observation
#             after each step taken whose bit is set in the mask, always in the reply
# info: u16 count, then per entry u8 key length, key and u8 type (0 int64, 1 float64,
# 2 bool), then the entries' values, 8 bytes each. Entries that are not numeric scalars are
# left out.
import os
import signal
import socket
import struct
import sys
import traceback

# Ctrl-C belongs to the Swift process, which saves its checkpoint and then closes us.
signal.signal(signal.SIGINT, signal.SIG_IGN)

SOCKET = socket.socket(fileno=3)
REPLY = struct.Struct("<IB")
STEP_HEAD = struct.Struct("<IBdBB")
LENGTH = struct.Struct("<I")


def send(status, *parts):
    size = 1 + sum(len(p) for p in parts)
    SOCKET.sendmsg([REPLY.pack(size, status), *parts])


def send_error(kind, message, **extra):
    import json

    payload = {"kind": kind, "message": message, "traceback": traceback.format_exc()}
    payload.update(extra)
    send(1, json.dumps(payload).encode())


def fail_at_start(kind, message, **extra):
    send_error(kind, message, **extra)
    sys.exit(0)


def main():
    import json

    env_id, kwargs_json, render_mode, flags_json = sys.argv[1:5]
    kwargs = json.loads(kwargs_json)
    flags = json.loads(flags_json)
    try:
        import numpy as np
    except ImportError:
        fail_at_start("missing_module", "numpy is not installed", module="numpy", install="pip install numpy gymnasium")
    try:
        import gymnasium as gym
    except ImportError:
        fail_at_start("missing_module", "gymnasium is not installed", module="gymnasium", install="pip install gymnasium")
    missing_ale = "ale-py is not installed (needed for Atari ids)"

    def register_ale():
        import ale_py

        gym.register_envs(ale_py)

    # ALE/ and NoFrameskip ids need ale-py for sure; other ids (Pong-v4) only turn out to be
    # Atari when Gymnasium does not know them without it.
    if env_id.startswith("ALE/") or "NoFrameskip" in env_id:
        try:
            register_ale()
        except ImportError:
            fail_at_start("missing_module", missing_ale, module="ale_py", install="pip install ale-py")
    if render_mode:
        kwargs["render_mode"] = render_mode
    unknown = (gym.error.NameNotFound, gym.error.NamespaceNotFound, gym.error.VersionNotFound,
               gym.error.DeprecatedEnv, gym.error.UnregisteredEnv)
    try:
        try:
            env = gym.make(env_id, **kwargs)
        except unknown as first:
            try:
                register_ale()
            except ImportError:
                raise first from None
            env = gym.make(env_id, **kwargs)
    except unknown as error:
        import difflib

        names = list(gym.envs.registry.keys())
        fail_at_start("unknown_id", str(error), suggestions=difflib.get_close_matches(env_id, names, n=3, cutoff=0.6))
    except ModuleNotFoundError as error:
        fail_at_start("missing_module", str(error), module=error.name or "", install="pip install " + (error.name or "").split(".")[0])
    except Exception as error:
        fail_at_start("make_failed", "%s: %s" % (type(error).__name__, error))
    if flags.get("flatten_observation"):
        env = gym.wrappers.FlattenObservation(env)

    def describe(space, role):
        spaces = gym.spaces
        if isinstance(space, spaces.Discrete):
            return {"kind": "discrete", "n": int(space.n), "start": int(space.start)}
        if isinstance(space, spaces.MultiDiscrete):
            if space.nvec.ndim != 1:
                raise TypeError("MultiDiscrete with a %d-dimensional nvec" % space.nvec.ndim)
            return {"kind": "multi_discrete", "nvec": [int(n) for n in space.nvec],
                    "start": [int(s) for s in getattr(space, "start", np.zeros_like(space.nvec))]}
        if isinstance(space, spaces.MultiBinary):
            return {"kind": "multi_binary", "n": int(np.prod(space.shape)), "shape": list(space.shape)}
        if isinstance(space, spaces.Box):
            dtype = "uint8" if space.dtype == np.uint8 else "float32"
            low = space.low.astype(np.float64).ravel()
            high = space.high.astype(np.float64).ravel()

            def bound(values):
                if values.size and (values == values[0]).all():
                    return float(values[0]) if np.isfinite(values[0]) else ("inf" if values[0] > 0 else "-inf")
                return [float(v) if np.isfinite(v) else ("inf" if v > 0 else "-inf") for v in values]

            return {"kind": "box", "shape": list(space.shape), "dtype": dtype, "low": bound(low), "high": bound(high)}
        raise TypeError("%s space %s" % (role, space))

    try:
        observation_space = describe(env.observation_space, "observation")
        action_space = describe(env.action_space, "action")
    except TypeError as error:
        fail_at_start("unsupported_space", str(error))
    spec = env.spec
    hello = {
        "observation_space": observation_space,
        "action_space": action_space,
        "max_episode_steps": spec.max_episode_steps if spec is not None else None,
        "reward_threshold": spec.reward_threshold if spec is not None else None,
        "render_mode": env.render_mode,
        "pid": os.getpid(),
        "versions": {"python": sys.version.split()[0], "gymnasium": gym.__version__, "numpy": np.__version__},
    }
    send(0, json.dumps(hello).encode())
    serve(env, np, gym, observation_space, action_space)


def serve(env, np, gym, observation_space, action_space):
    is_box = observation_space["kind"] == "box"
    obs_dtype = np.uint8 if is_box and observation_space["dtype"] == "uint8" else np.float32
    obs_size = 1
    if observation_space["kind"] == "box":
        for n in observation_space["shape"]:
            obs_size *= n
    elif observation_space["kind"] in ("multi_discrete",):
        obs_size = len(observation_space["nvec"])
    elif observation_space["kind"] == "multi_binary":
        obs_size = observation_space["n"]
    discrete_observation = observation_space["kind"] == "discrete"
    integer_observation = observation_space["kind"] in ("multi_discrete", "multi_binary")
    obs_starts = np.array(observation_space.get("start", [0]), dtype=np.int64) if observation_space["kind"] == "multi_discrete" else None

    kind = action_space["kind"]
    space = env.action_space
    if kind == "box":
        action_count = 1
        for n in action_space["shape"]:
            action_count *= n
        action_shape = tuple(action_space["shape"])
        action_dtype = space.dtype
    elif kind in ("multi_discrete", "multi_binary"):
        action_count = len(action_space["nvec"]) if kind == "multi_discrete" else action_space["n"]
        action_starts = np.array(action_space.get("start", [0] * action_count), dtype=np.int64)
        action_dtype = space.dtype
    int64 = struct.Struct("<q")
    layouts = {}

    def kind_of(value):
        if isinstance(value, (bool, np.bool_)):
            return 2
        if isinstance(value, (int, np.integer)):
            return 0
        if isinstance(value, (float, np.floating)):
            return 1
        if isinstance(value, np.ndarray) and value.ndim == 0:
            return kind_of(value.item())
        return None

    def encode_info(info):
        # The keys and types of an environment's info rarely change, so their descriptors
        # and the values' Struct are built once per layout.
        kinds = tuple((key, kind_of(value)) for key, value in info.items())
        layout = layouts.get(kinds)
        if layout is None:
            entries = [(key, kind) for key, kind in kinds if kind is not None]
            descriptor = struct.pack("<H", len(entries)) + b"".join(
                bytes((len(key.encode()[:255]),)) + key.encode()[:255] + bytes((kind,)) for key, kind in entries)
            values = struct.Struct("<" + "".join("d" if kind == 1 else "q" for _, kind in entries))
            layout = (descriptor, values, [key for key, _ in entries], [kind for _, kind in entries])
            layouts[kinds] = layout
        descriptor, values, keys, types = layout
        if not keys:
            return descriptor
        return descriptor + values.pack(*[float(info[k]) if t == 1 else int(info[k]) for k, t in zip(keys, types)])

    shared = {}

    def encode_observation(observation, inline=False):
        target = None if inline else shared.get("array")
        if target is not None:
            array = np.asarray(observation)
            if array.size != obs_size:
                raise ValueError("observation of shape %s does not fit the observation space's %d elements" % (array.shape, obs_size))
            np.copyto(target, array.reshape(-1), casting="unsafe")
            return memoryview(b"")
        if discrete_observation:
            return memoryview(int64.pack(int(observation)))
        if integer_observation:
            array = np.asarray(observation, dtype=np.int64).ravel()
            if obs_starts is not None:
                array = array - obs_starts
            return memoryview(np.ascontiguousarray(array)).cast("B")
        array = np.asarray(observation)
        if array.dtype != obs_dtype:
            array = array.astype(obs_dtype)
        if array.size != obs_size:
            raise ValueError("observation of shape %s does not fit the observation space's %d elements" % (array.shape, obs_size))
        return memoryview(np.ascontiguousarray(array)).cast("B")

    def decode_action(payload):
        if kind == "discrete":
            return int64.unpack_from(payload)[0]
        if kind == "box":
            return np.frombuffer(payload, dtype=np.float32, count=action_count).reshape(action_shape).astype(action_dtype)
        values = np.frombuffer(payload, dtype=np.int64, count=action_count) + action_starts
        return values.astype(action_dtype).reshape(space.shape)

    header = bytearray(7)
    header_view = memoryview(header)
    set_affinity = getattr(os, "sched_setaffinity", None)
    cpu_of = struct.Struct("<h")
    body = bytearray(1 << 16)
    step = env.step
    reset = env.reset
    while True:
        got = SOCKET.recv_into(header_view, 7, socket.MSG_WAITALL)
        if got < 7:
            return  # SwiftRL went away: end with it.
        size = LENGTH.unpack_from(header)[0] - 3
        op = header[4]
        cpu = cpu_of.unpack_from(header, 5)[0]
        if cpu >= 0 and set_affinity is not None:
            try:
                set_affinity(0, (cpu,))
            except OSError:
                pass
        if size > len(body):
            body = bytearray(size)
        view = memoryview(body)[:size]
        if size and SOCKET.recv_into(view, size, socket.MSG_WAITALL) < size:
            return
        try:
            if op == 2:
                observation, reward, terminated, truncated, info = step(decode_action(view))
                observation = encode_observation(observation)
                info_bytes = encode_info(info)
                SOCKET.sendmsg([STEP_HEAD.pack(11 + observation.nbytes + len(info_bytes), 0, float(reward),
                                               1 if terminated else 0, 1 if truncated else 0),
                                observation, info_bytes])
            elif op == 6:
                count, mask = struct.unpack_from("<IQ", view)
                action = decode_action(view[12:])
                rewards, kept = [], []
                terminated = truncated = False
                info = {}
                for t in range(count):
                    observation, reward, terminated, truncated, info = step(action)
                    rewards.append(float(reward))
                    if mask >> t & 1:
                        # A copy: an environment may hand out one buffer it overwrites.
                        kept.append(encode_observation(observation, inline=True).tobytes())
                    if terminated or truncated:
                        break
                send(0, struct.pack("<I%dd" % len(rewards), len(rewards), *rewards),
                     bytes((1 if terminated else 0, 1 if truncated else 0)), encode_info(info), *kept)
            elif op == 1:
                seed = struct.unpack_from("<BQ", view)
                observation, info = reset(seed=int(seed[1]) if seed[0] else None)
                observation = encode_observation(observation)
                send(0, observation, encode_info(info))
            elif op == 3:
                frame = env.render()
                if frame is None:
                    send_error("render_unavailable", "the environment was made without render_mode='rgb_array'")
                    continue
                frame = np.ascontiguousarray(frame, dtype=np.uint8)
                if frame.ndim != 3 or frame.shape[2] != 3:
                    send_error("render_unavailable", "render() returned shape %s, not an RGB image" % (frame.shape,))
                    continue
                send(0, struct.pack("<II", frame.shape[0], frame.shape[1]), memoryview(frame).cast("B"))
            elif op == 5:
                import mmap

                size = struct.unpack_from("<Q", view)[0]
                if not is_box or size != obs_size * np.dtype(obs_dtype).itemsize:
                    send_error("protocol", "shared memory of %d bytes does not fit the observations" % size)
                    continue
                memory = mmap.mmap(4, size)
                shared["memory"] = memory
                shared["array"] = np.frombuffer(memory, dtype=obs_dtype, count=obs_size)
                send(0)
            elif op == 4:
                try:
                    env.close()
                finally:
                    send(0)
                return
            else:
                send_error("protocol", "unknown request %d" % op)
        except Exception as error:
            send_error("exception", "%s: %s" % (type(error).__name__, error))


if __name__ == "__main__":
    try:
        main()
    except (BrokenPipeError, ConnectionResetError):
        pass
