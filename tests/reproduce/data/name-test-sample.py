# How the training runner tested method names before the hooks (for the name-test's self-check).
def bind(method, params, steps):
    if method == "AdaLoRA":
        params.setdefault("total_step", steps)
    return method in ("QLoRA",)
