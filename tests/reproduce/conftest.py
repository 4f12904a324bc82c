import warnings

import pytest

pytest.importorskip("torch")
pytest.importorskip("transformers")
pytest.importorskip("peft")


@pytest.fixture(autouse=True)
def _quiet():
    """transformers/peft deprecation noise is not what these tests check."""
    import transformers

    transformers.logging.set_verbosity_error()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FutureWarning)
        warnings.simplefilter("ignore", UserWarning)
        yield


# The eight architecture families of the registry, one representative spec each.
FAMILIES = {
    "roberta": "CodeBERT",
    "t5": "CodeT5-base",
    "plbart": "PLBART-base",
    "gpt2": "CodeGPT-small-py",
    "llama": "CodeLlama-34B",  # GQA variant of the Llama family
    "gpt_bigcode": "StarCoder",
    "codegen": "CodeGen-350M-mono",
    "xglm": "InCoder-1B",
}


def pytest_collection_modifyitems(config, items):
    """Tests marked ``gpu`` run only where CUDA is present; elsewhere they are skipped cleanly."""
    import torch

    if torch.cuda.is_available():
        return
    skip = pytest.mark.skip(reason="needs a CUDA device (gpu marker)")
    for item in items:
        if "gpu" in item.keywords:
            item.add_marker(skip)
