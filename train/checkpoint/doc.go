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
// statistics, "h4.w" [C, classes] and "h4.b" for the head) to {"dtype": "F32", "shape": [...],
// "data_offsets": [begin, end]}, offsets relative to the start of the data. "__metadata__" holds
// strings: "format" = "evo-checkpoint", "format_version" = "1", "sha256" = the hex SHA-256 of the
// data section, plus any caller metadata. evo writes tensors in sorted key order with contiguous
// offsets and a header padded with spaces to a multiple of 8 bytes, so equal checkpoints are
// byte-equal. Optimiser state is never stored: a child starts SGD afresh (SPEC §4).
//
// # Reading
//
// Read is strict: it checks the header length and the total size against Limits before
// allocating, rejects unknown dtypes, duplicate keys, overlapping, out-of-range or non-contiguous
// offsets, shapes that disagree with offsets, trailing bytes and a wrong checksum, and reports a
// truncated file as such.
package checkpoint
