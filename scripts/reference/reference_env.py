"""Runs the SLiMe authors' code (github.com/aliasgharkhani/SLiMe, its src/ and vendored diffusers/) offline.

What the authors' code needs and this workplace lacks is replaced by stand-ins, as for the fixture's golden tensors
(see its golden.md): huggingface_hub (never called), transformers (the text encoder runs once, before anything is
timed: the stand-in hands back given or random embeddings), pytorch_lightning (LightningModule = nn.Module, log and
save_hyperparameters do nothing, device = cpu) and cv2 (unused). The models come from a diffusers folder or are
built at SD-2.1-base size with PyTorch's default initialisation. The working size S and latent size L = S/8 are
substituted where the reference hard-codes 512 and 64; everything else runs unmodified.
"""
import importlib.machinery
import json
import os
import struct
import sys
import types

import torch
from torch import nn

SD21_UNET = dict(
    sample_size=64, in_channels=4, out_channels=4, center_input_sample=False, flip_sin_to_cos=True, freq_shift=0,
    down_block_types=["CrossAttnDownBlock2D", "CrossAttnDownBlock2D", "CrossAttnDownBlock2D", "DownBlock2D"],
    mid_block_type="UNetMidBlock2DCrossAttn",
    up_block_types=["UpBlock2D", "CrossAttnUpBlock2D", "CrossAttnUpBlock2D", "CrossAttnUpBlock2D"],
    only_cross_attention=False, block_out_channels=[320, 640, 1280, 1280], layers_per_block=2, downsample_padding=1,
    mid_block_scale_factor=1, act_fn="silu", norm_num_groups=32, norm_eps=1e-5, cross_attention_dim=1024,
    attention_head_dim=[5, 10, 20, 20], dual_cross_attention=False, use_linear_projection=True,
    upcast_attention=False)
SD21_VAE = dict(
    in_channels=3, out_channels=3, down_block_types=["DownEncoderBlock2D"] * 4,
    up_block_types=["UpDecoderBlock2D"] * 4, block_out_channels=[128, 256, 512, 512], layers_per_block=2,
    act_fn="silu", latent_channels=4, norm_num_groups=32, sample_size=768, scaling_factor=0.18215)
SCHEDULER = dict(num_train_timesteps=1000, beta_start=0.00085, beta_end=0.012, beta_schedule="scaled_linear",
                 clip_sample=False, set_alpha_to_one=False, steps_offset=1, prediction_type="epsilon")

_DTYPES = {"F32": torch.float32, "I64": torch.int64, "F16": torch.float16}


def read_safetensors(path):
    """A safetensors file as a dict of tensors (Debian has no python3-safetensors)."""
    with open(path, "rb") as f:
        n = struct.unpack("<Q", f.read(8))[0]
        header = json.loads(f.read(n))
        data = f.read()
    out = {}
    for key, v in header.items():
        if key == "__metadata__":
            continue
        a, b = v["data_offsets"]
        t = torch.frombuffer(bytearray(data[a:b]), dtype=_DTYPES[v["dtype"]]) if b > a else torch.empty(0)
        out[key] = t.reshape(v["shape"]).clone()
    return out


def _module(name, **attrs):
    m = types.ModuleType(name)
    m.__spec__ = importlib.machinery.ModuleSpec(name, None)
    m.__dict__.update(attrs)
    sys.modules[name] = m
    return m


class _Anything:
    """Any attribute, any call: for imported names that are never used."""

    def __init__(self, *a, **k):
        pass

    def __call__(self, *a, **k):
        return _Anything()

    def __getattr__(self, name):
        return _Anything()


def _install_stand_ins(embeddings):
    hub = _module("huggingface_hub")
    hub.__getattr__ = lambda name: _Anything
    for sub in ("utils", "constants", "file_download"):
        m = _module("huggingface_hub." + sub, HUGGINGFACE_HUB_CACHE="/nonexistent", hf_cache_home="/nonexistent",
                    REGEX_COMMIT_HASH=r"^[0-9a-f]{40}$")
        m.__getattr__ = lambda name: _Anything
        setattr(hub, sub, m)

    class Tokenizer:
        model_max_length = 77

        @classmethod
        def from_pretrained(cls, *a, **k):
            return cls()

        def __call__(self, text, **k):
            return types.SimpleNamespace(input_ids=text)

    class TextModel(nn.Module):
        @classmethod
        def from_pretrained(cls, *a, **k):
            return cls()

        def forward(self, prompt):
            return (embeddings["uncond" if prompt == "" else "text"],)

    _module("transformers", CLIPTokenizer=Tokenizer, CLIPTextModel=TextModel,
            logging=types.SimpleNamespace(set_verbosity_error=lambda: None))

    class LightningModule(nn.Module):
        device = torch.device("cpu")

        def save_hyperparameters(self, *a, **k):
            pass

        def log(self, *a, **k):
            pass

    _module("pytorch_lightning", LightningModule=LightningModule)
    _module("cv2")


def _load_source(name, path, replacements):
    text = open(path).read()
    for old, new in replacements:
        if old not in text:
            raise SystemExit(f"{path}: expected text not found (another version of the reference?): {old!r}")
        text = text.replace(old, new)
    m = types.ModuleType(name)
    m.__file__ = path
    sys.modules[name] = m
    exec(compile(text, path, "exec"), m.__dict__)
    return m


def load_reference(slime_src, s, fixture, embeddings):
    """The reference's Slime class, its StableDiffusion building the models of `fixture` (None: SD-2.1 size)."""
    _install_stand_ins(embeddings)
    sys.path.insert(0, slime_src)
    import diffusers
    models = build_models(fixture)
    diffusers.UNet2DConditionModel.from_pretrained = classmethod(lambda cls, *a, **k: models["unet"])
    diffusers.AutoencoderKL.from_pretrained = classmethod(lambda cls, *a, **k: models["vae"])
    diffusers.DDIMScheduler.from_config = classmethod(lambda cls, *a, **k: models["scheduler"])
    src = types.ModuleType("src")
    src.__path__ = [os.path.join(slime_src, "src")]
    sys.modules["src"] = src
    ls = s // 8
    _load_source("src.stable_difusion", os.path.join(slime_src, "src", "stable_difusion.py"), [
        ("if not (input_image.shape[-2] == 512 and input_image.shape[-1] == 512):",
         f"if not (input_image.shape[-2] == {s} and input_image.shape[-1] == {s}):"),
        ("input_image, (512, 512), mode=\"bilinear\", align_corners=False",
         f"input_image, ({s}, {s}), mode=\"bilinear\", align_corners=False")])
    slime = _load_source("src.slime", os.path.join(slime_src, "src", "slime.py"), [
        ("sd_cross_attention_maps2[None, ...], 64, mode=\"bilinear\"",
         f"sd_cross_attention_maps2[None, ...], {ls}, mode=\"bilinear\""),
        ("ratio = 512 // output_size", f"ratio = {s} // output_size"),
        ("attention_output_size=64,", f"attention_output_size={ls},")])
    return slime.Slime


def build_models(fixture, seed=0):
    """unet, vae and scheduler from a diffusers folder, or at SD-2.1-base size (PyTorch's default init)."""
    from diffusers import AutoencoderKL, DDIMScheduler, UNet2DConditionModel
    torch.manual_seed(seed)
    if fixture is None:
        unet, vae = UNet2DConditionModel(**SD21_UNET), AutoencoderKL(**SD21_VAE)
        scheduler = DDIMScheduler(**SCHEDULER)
    else:
        def config(sub):
            c = json.load(open(os.path.join(fixture, sub, "config.json" if sub != "scheduler"
                                            else "scheduler_config.json")))
            return {k: v for k, v in c.items() if not k.startswith("_")}

        unet, vae = UNet2DConditionModel(**config("unet")), AutoencoderKL(**config("vae"))
        for model, sub in ((unet, "unet"), (vae, "vae")):
            weights = read_safetensors(os.path.join(fixture, sub, "diffusion_pytorch_model.safetensors"))
            model.load_state_dict(weights, strict=sub == "unet")
        scheduler = DDIMScheduler(**config("scheduler"))
    return dict(unet=unet, vae=vae, scheduler=scheduler)


def slime_config(s, parts, output_dir):
    """The reference's argparse defaults, with n = 1 crop of side S and masks of L (training) and S (validation)."""
    sys.argv = ["main.py", "--train", "--part_names", *[f"part{i}" for i in range(parts)],
                "--train_mask_size", str(s // 8), "--test_mask_size", str(s), "--num_patchs_per_side", "1",
                "--patch_size", str(s), "--output_dir", output_dir]
    from src.arguments import init_args
    return init_args()
