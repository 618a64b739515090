// Package checkpoint reads and writes evo's weight checkpoints and decides what a child inherits
// from its parent.
//
// # Format
//
// A checkpoint is one safetensors file (https://github.com/huggingface/safetensors), so it opens
// without evo: with the safetensors library, or with a few lines of Python and numpy:
//
//	import json, struct, numpy as np
//	b = open("weights.safetensors", "rb").read()
//	n = struct.unpack("<Q", b[:8])[0]; head = json.loads(b[8:8+n]); data = b[8+n:]
//	t = {k: np.frombuffer(data[v["data_offsets"][0]:v["data_offsets"][1]], "<f4").reshape(v["shape"])
//	     for k, v in head.items() if k != "__metadata__"}
//
// Layout: an 8-byte little-endian header length N, N bytes of JSON header, then the tensor data.
// The header maps each tensor's stable ID (see genome.TensorSpec: "e12.w" for a conv kernel
// [out, in, kh, kw], "v3.bn.gamma|beta|mean|var" for batch norm including its running
// statistics, "h3.w" [C, classes] and "h3.b" for the head) to {"dtype": "F32", "shape": [...],
// "data_offsets": [begin, end]}, offsets relative to the start of the data. "__metadata__" holds
// strings: "format" = "evo-checkpoint", "format_version" = "1", "sha256" = the hex SHA-256 of the
// data section, plus any caller metadata. evo writes tensors in sorted key order with contiguous
// offsets and a header padded with spaces to a multiple of 8 bytes, so equal checkpoints are
// byte-equal. Optimiser state is never stored: a child starts SGD with zero velocity, as in the
// paper. The trainer's metadata are "status" (ok or diverged), "steps", "seed" and "data" (the
// data set's name); the list of tensors a genome has, with their shapes, is genome's Tensors.
//
// # Reading
//
// Read is strict. It checks the header length against Limits.MaxHeader and Limits.MaxBytes
// before reading the header, and grows its buffers only as bytes arrive, so a short file that
// announces gigabytes fails cheaply. It rejects: a header that is not one JSON object; duplicate
// keys at any depth (encoding/json alone would keep the last); tensor records with missing,
// extra or case-folded fields, a dtype other than F32, negative dimensions, data_offsets that
// are not [begin, end] with 0 ≤ begin ≤ end, sizes that disagree with the shape, or that leave
// gaps or overlaps in the data; a missing or foreign "__metadata__" format, another
// format_version, or a missing sha256; more than Limits.MaxTensors tensors; trailing bytes. A
// short file is ErrTruncated ("header says N bytes of tensor data, got M"), a data hash that
// differs is ErrChecksum. NaN and infinities are data like any other: the trainer decides.
// Files written by other safetensors writers read as long as they carry evo's metadata; their
// key order and padding do not matter.
//
// # Inheritance
//
// Inherit gives a child every parent tensor with the same ID and the same shape (as a copy); the
// caller initialises the rest afresh. Batch-norm running statistics follow the same rule. The
// Report counts trainable values only; its Fraction is 0 when the child has none.
package checkpoint
