"""Times the SLiMe authors' code the way org.slime4j.bench.SlimeBench times ours: same model sizes, same phases.

    python3 bench_reference.py SLIME_SRC check FIXTURE_DIR
    python3 bench_reference.py SLIME_SRC tiny FIXTURE_DIR [steps=20 segmentations=20 epochs=0]
    python3 bench_reference.py SLIME_SRC sd21 [size=512 steps=2 segmentations=2 epochs=0]

SLIME_SRC: a checkout of github.com/aliasgharkhani/SLiMe. Run with Debian's /usr/bin/python3 and its packages
python3-torch (1.13.1), python3-numpy, python3-pil, python3-packaging, python3-requests, python3-filelock,
python3-regex, python3-tqdm, and libopenblas0-openmp (with Debian's reference BLAS every product is ~15x slower);
nothing from the internet. Keys: threads=N (default: the CPU count), as for SlimeBench; set THP_MEM_ALLOC_ENABLE=1
as the plugin does, and GLIBC_TUNABLES=glibc.malloc.mmap_max=0:glibc.malloc.trim_threshold=68719476736 for the
"tuned malloc" figures of the README.
`check` runs one training step and Adam update with the fixture's recorded noise and compares the learned vectors
with its golden.safetensors (proof that the harness runs the reference as the fixture was made). Phases, each
after one warm-up run: `training step` = the reference's training_step (it segments its image for the logged IoU),
backward and Adam; `segmentation` = get_patched_masks(image, S) after on_validation_start; `epoch` = a training
step, the validation segmentation of the same image and the epoch end (saving the vectors), as Lightning runs it
with that image as the validation set (data loading and augmentation not included).
"""
import os
import resource
import sys
import tempfile
import time

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import reference_env  # noqa: E402


def peak_gb():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024 / 1024


def make_slime(slime_src, s, fixture, embeddings, parts, out):
    Slime = reference_env.load_reference(slime_src, s, fixture, embeddings)
    config = reference_env.slime_config(s, parts, output_dir=out)
    slime = Slime(config, learning_rate=config.lr)
    slime.stable_diffusion.setup(torch.device("cpu"))
    slime.checkpoint_dir = out
    return slime, slime.configure_optimizers()


def train_step(slime, opt, image, mask_l):
    opt.zero_grad()
    loss = slime.training_step((image, mask_l[None]), 0)
    loss.backward()
    opt.step()
    return loss.item()


def segment(slime, image, s):
    slime.on_validation_start()
    with torch.no_grad():
        return slime.get_patched_masks(image, s)


def epoch(slime, opt, image, mask_l, mask_s):
    train_step(slime, opt, image, mask_l)
    slime.on_validation_start()
    slime.on_validation_epoch_start()
    with torch.no_grad():
        slime.validation_step((image, mask_s[None]), 0)
    slime.on_validation_epoch_end()


def timed(name, n, run):
    run()                                                       # warm-up
    t = time.perf_counter()
    for _ in range(n):
        run()
    mean = (time.perf_counter() - t) / n
    print(f"RESULT reference {name}: {mean:.3f} s (mean of {n} after a warm-up), peak RSS {peak_gb():.2f} GB",
          flush=True)


class RandnQueue:
    """torch.randn / randn_like hand back recorded tensors in order (the fixture's noise)."""

    def __init__(self, tensors):
        self.tensors = list(tensors)
        self.randn, self.randn_like = torch.randn, torch.randn_like

    def next(self, shape):
        t = self.tensors.pop(0)
        assert tuple(t.shape) == tuple(shape), (t.shape, shape)
        return t.clone()

    def __enter__(self):
        torch.randn = lambda *shape, **k: self.next(shape[0] if len(shape) == 1 else shape)
        torch.randn_like = lambda x, **k: self.next(x.shape)
        return self

    def __exit__(self, *a):
        torch.randn, torch.randn_like = self.randn, self.randn_like
        assert not self.tensors, f"{len(self.tensors)} recorded noise tensors left unused"


def check(slime_src, fixture, out):
    g = reference_env.read_safetensors(os.path.join(fixture, "golden.safetensors"))
    emb = {"text": g["slime.text_embedding"], "uncond": g["slime.uncond_embedding"]}
    s = g["input.image"].shape[-1]
    slime, opt = make_slime(slime_src, s, fixture, emb, 3, out)
    slime.config.train_t = [50]
    empty = torch.empty
    torch.empty = lambda *a, **k: torch.zeros(*a, **k)          # as golden.md says the fixture was made
    try:
        with RandnQueue([g["input.train_vae_eps"], g["input.train_noise"], g["input.train_check_vae_eps"],
                         g["input.train_check_noise"]]):
            train_step(slime, opt, g["input.image"], g["input.mask"])
    finally:
        torch.empty = empty
    worst = 0.0
    for i, e in enumerate(slime.embeddings_to_optimize):
        want = g[f"train.embedding_after_adam.{i}"]
        worst = max(worst, ((e.detach() - want).abs().max() / want.abs().max()).item())
    print(f"check: learned vectors after one step and Adam vs golden: max|a-b|/max|b| = {worst:.2e}")
    if worst > 1e-5:
        raise SystemExit("check FAILED: the harness does not run the reference as the fixture was made")


def bench(slime_src, mode, fixture, kv, out):
    steps, segmentations, epochs = (int(kv.get(k, d)) for k, d in
                                    (("steps", 2), ("segmentations", 2), ("epochs", 0)))
    if mode == "tiny":
        g = reference_env.read_safetensors(os.path.join(fixture, "golden.safetensors"))
        emb = {"text": g["slime.text_embedding"], "uncond": g["slime.uncond_embedding"]}
        s = g["input.image"].shape[-1]
    else:
        s = int(kv.get("size", 512))
        torch.manual_seed(1)
        emb = {"text": torch.randn(1, 77, 1024), "uncond": torch.randn(1, 77, 1024)}
    t = time.perf_counter()
    slime, opt = make_slime(slime_src, s, fixture, emb, 3, out)
    print(f"reference built in {time.perf_counter() - t:.1f} s, S = {s}, torch {torch.__version__}, "
          f"{torch.get_num_threads()} threads, THP_MEM_ALLOC_ENABLE={os.environ.get('THP_MEM_ALLOC_ENABLE', '')}",
          flush=True)
    torch.manual_seed(2)
    image = torch.rand(1, 3, s, s)
    mask_s = torch.zeros(s, s, dtype=torch.int64)
    mask_s[s // 4:s // 2, s // 4:3 * s // 4] = 1
    mask_s[s // 2:3 * s // 4, s // 4:3 * s // 4] = 2
    mask_l = mask_s[4::8, 4::8].clone()
    if steps > 0:
        timed("training step (with its logging segmentation)", steps, lambda: train_step(slime, opt, image, mask_l))
    if segmentations > 0:
        timed("segmentation", segmentations, lambda: segment(slime, image, s))
    if epochs > 0:
        times = []
        for _ in range(epochs):
            t = time.perf_counter()
            epoch(slime, opt, image, mask_l, mask_s)
            times.append(time.perf_counter() - t)
            print(f"epoch {len(times)}: {times[-1]:.3f} s", flush=True)
        later = sum(times[1:]) / max(1, len(times) - 1)
        print(f"RESULT reference training as users run it, S={s}, {epochs} epochs with validation: first epoch "
              f"{times[0]:.3f} s, later epochs {later:.3f} s each, peak RSS {peak_gb():.2f} GB", flush=True)


def main(argv):
    if len(argv) < 2 or argv[1] not in ("check", "tiny", "sd21"):
        raise SystemExit(__doc__)
    slime_src, mode = argv[0], argv[1]
    fixture = argv[2] if mode in ("check", "tiny") else None
    kv = dict(a.split("=", 1) for a in argv[3 if fixture else 2:])
    torch.set_num_threads(int(kv.get("threads", os.cpu_count())))
    with tempfile.TemporaryDirectory() as out:
        if mode == "check":
            check(slime_src, fixture, out)
        else:
            bench(slime_src, mode, fixture, kv, out)


if __name__ == "__main__":
    main(sys.argv[1:])
