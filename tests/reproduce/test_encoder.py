"""The bundled pretrained encoder loads with the hub switched off and embeds sensibly."""

import json
import subprocess
import sys

from slr.reproduce.encoder import offline_encoder_path

_SCRIPT = """
import json
from slr.reproduce.encoder import embed, load_offline_encoder
tok, model = load_offline_encoder()
e = embed(["sort a list of numbers", "order the numbers of a list", "the weather is sunny today"], tok, model)
sims = (e @ e.T).tolist()
print(json.dumps({"dim": e.shape[1], "related": sims[0][1], "unrelated": sims[0][2],
                  "params": sum(p.numel() for p in model.parameters())}))
"""


def test_encoder_path_holds_the_model_files():
    path = offline_encoder_path()
    config = json.loads((path / "config.json").read_text())
    assert config["model_type"] == "bert" and config["hidden_size"] == 384
    assert config["num_hidden_layers"] == 6  # all-MiniLM-L6-v2: 6 layers


def test_encoder_loads_with_hf_hub_offline_and_ranks_paraphrases_higher():
    env = {
        "HF_HUB_OFFLINE": "1",
        "TRANSFORMERS_OFFLINE": "1",
        "PATH": "/usr/bin:/bin",
        "HOME": "/tmp",
    }
    out = subprocess.run(
        [sys.executable, "-c", _SCRIPT], capture_output=True, text=True, env=env, timeout=300
    )
    assert out.returncode == 0, out.stderr[-1500:]
    result = json.loads(out.stdout.strip().splitlines()[-1])
    assert result["dim"] == 384
    # the model card of all-MiniLM-L6-v2 gives 22.7M parameters (BertModel without pooler head)
    assert 22_000_000 < result["params"] < 23_500_000
    assert result["related"] > result["unrelated"] + 0.2
