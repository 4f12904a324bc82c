"""Analytical peak training memory (and step FLOPs) for full fine-tuning and every method.

Peak memory of one training step, steady state (optimizer states exist, gradients are freed with
``zero_grad(set_to_none=True)`` before the forward pass), as ``torch.cuda.max_memory_allocated``
counts it (no CUDA context, no allocator cache)::

    peak = weights + optimizer states + max(
        activations + live outputs + dlogits + first gradients,    # start of the backward pass
        gradients + optimizer temporaries,                         # optimizer step
    )

* **weights**: every base parameter at the training dtype; QLoRA's quantized linear layers at
  4 bits + NF4 block constants (blocksize 64; double quantization 8-bit constants with an fp32
  constant per 256 blocks) or 8 bits + fp32 row scales, with the remaining parameters in fp32
  (peft's ``prepare_model_for_kbit_training``); adapters as peft stores them (fp32 next to a
  half-precision base); AMP keeps fp32 weights plus the half-precision copies autocast caches;
* **gradients**: one per trainable parameter, in its dtype;
* **optimizer states**: AdamW two per trainable parameter in its dtype (torch keeps states in the
  parameter dtype), 8-bit AdamW two bytes, Adafactor factored second moments, SGD none;
  optimizer temporaries: one extra state-sized buffer (foreach AdamW's ``sqrt``);
* **activations**: the tensors autograd saves for the backward pass, taken from a forward pass on
  the meta device at the exact batch and sequence shapes (no memory is used: meta tensors carry
  only shapes). This follows the real implementation of every architecture and method (which
  linear inputs a LoRA layer keeps, a norm's fp32 upcast, a frozen bottom layer that keeps
  nothing...). Attention is emulated as the fused CUDA kernels save (q, k, v, output,
  log-sum-exp) or as the plain math path (scores, probabilities, dropout masks), per
  ``TrainingSetup.attention``. Gradient checkpointing keeps each layer's input plus one layer's
  activations during recomputation;
* **outputs and dlogits**: the logits the model returns and the fp32 gradient of the loss with
  respect to them (``vocab x tokens``), alive at the start of the backward pass;
* **backward working set**: the gradients of the top layer's activations while its backward runs,
  two FFN-sized buffers (``2 x tokens x ffn`` at the activation dtype). This one term is
  calibrated, not derived: against PyTorch's CPU memory profiler, across the eight families, the
  measured excess over the other terms was 1.6-2.5 such buffers with a frozen backbone.

Assumptions (stated in every estimate's ``assumptions``): no padding, no activation offloading;
bitsandbytes' 4/8-bit matmuls keep no copy of their input (like a frozen ``nn.Linear``); one
dequantized weight matrix exists at a time.
"""

from slr.reproduce.memory.estimate import (
    estimate_from_model,
    memory_reduction,
    predict_memory,
    prepared_meta_model,
)
from slr.reproduce.memory.flops import predict_step_flops, step_flops
from slr.reproduce.memory.setup import GIB, MemoryEstimate, Optimizer, Precision, TrainingSetup
from slr.reproduce.memory.trace import ActivationTrace, loss_of, make_batch, trace_activations

__all__ = [
    "GIB",
    "ActivationTrace",
    "MemoryEstimate",
    "Optimizer",
    "Precision",
    "TrainingSetup",
    "estimate_from_model",
    "loss_of",
    "make_batch",
    "memory_reduction",
    "predict_memory",
    "predict_step_flops",
    "prepared_meta_model",
    "step_flops",
    "trace_activations",
]
