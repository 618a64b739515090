package onnx

import (
	"math"

	"google.golang.org/protobuf/encoding/protowire"
)

// The ONNX protobuf messages evo writes, encoded field by field with protowire. Field numbers
// and enum values are those of onnx.proto (github.com/onnx/onnx, onnx/onnx.proto3); only the
// fields evo sets are listed.
const (
	// ModelProto
	modelIRVersion       = 1
	modelProducerName    = 2
	modelProducerVersion = 3
	modelDocString       = 6
	modelGraph           = 7
	modelOpsetImport     = 8
	modelMetadataProps   = 14
	// OperatorSetIdProto
	opsetDomain  = 1
	opsetVersion = 2
	// StringStringEntryProto
	entryKey   = 1
	entryValue = 2
	// GraphProto
	graphNode        = 1
	graphName        = 2
	graphInitializer = 5
	graphDocString   = 10
	graphInput       = 11
	graphOutput      = 12
	// NodeProto
	nodeInput     = 1
	nodeOutput    = 2
	nodeName      = 3
	nodeOpType    = 4
	nodeAttribute = 5
	// AttributeProto
	attrName = 1
	attrF    = 2
	attrI    = 3
	attrInts = 8
	attrType = 20
	// AttributeProto.AttributeType
	attrTypeFloat = 1
	attrTypeInt   = 2
	attrTypeInts  = 7
	// TensorProto
	tensorDims     = 1
	tensorDataType = 2
	tensorName     = 8
	tensorRawData  = 9
	// TensorProto.DataType
	dataFloat = 1
	dataInt64 = 7
	// ValueInfoProto
	valueName = 1
	valueType = 2
	// TypeProto, TypeProto.Tensor, TensorShapeProto, TensorShapeProto.Dimension
	typeTensor     = 1
	tensorElemType = 1
	tensorShape    = 2
	shapeDim       = 1
	dimValue       = 1
	dimParam       = 2
)

// msg is a protobuf message being encoded.
type msg []byte

func (m msg) varint(num protowire.Number, v uint64) msg {
	m = protowire.AppendTag(m, num, protowire.VarintType)
	return protowire.AppendVarint(m, v)
}

func (m msg) int64(num protowire.Number, v int64) msg { return m.varint(num, uint64(v)) }

func (m msg) bytes(num protowire.Number, b []byte) msg {
	m = protowire.AppendTag(m, num, protowire.BytesType)
	return protowire.AppendBytes(m, b)
}

func (m msg) str(num protowire.Number, s string) msg {
	m = protowire.AppendTag(m, num, protowire.BytesType)
	return protowire.AppendString(m, s)
}

func (m msg) sub(num protowire.Number, s msg) msg { return m.bytes(num, s) }

func (m msg) float(num protowire.Number, f float32) msg {
	m = protowire.AppendTag(m, num, protowire.Fixed32Type)
	return protowire.AppendFixed32(m, math.Float32bits(f))
}

// packed appends a packed repeated int64 field.
func (m msg) packed(num protowire.Number, vs []int64) msg {
	var p []byte
	for _, v := range vs {
		p = protowire.AppendVarint(p, uint64(v))
	}
	return m.bytes(num, p)
}

// attribute is one NodeProto attribute: an int, a float or a list of ints.
type attribute struct {
	name string
	kind int // attrTypeInt, attrTypeFloat or attrTypeInts
	i    int64
	f    float32
	ints []int64
}

func intAttr(name string, v int) attribute {
	return attribute{name: name, kind: attrTypeInt, i: int64(v)}
}

func floatAttr(name string, v float32) attribute {
	return attribute{name: name, kind: attrTypeFloat, f: v}
}

func intsAttr(name string, vs ...int) attribute {
	a := attribute{name: name, kind: attrTypeInts}
	for _, v := range vs {
		a.ints = append(a.ints, int64(v))
	}
	return a
}

func (a attribute) encode() msg {
	m := msg(nil).str(attrName, a.name)
	switch a.kind {
	case attrTypeInt:
		m = m.int64(attrI, a.i)
	case attrTypeFloat:
		m = m.float(attrF, a.f)
	case attrTypeInts:
		m = m.packed(attrInts, a.ints)
	}
	return m.varint(attrType, uint64(a.kind))
}

// node is one NodeProto.
type node struct {
	op, name        string
	inputs, outputs []string
	attrs           []attribute
}

func (n node) encode() msg {
	var m msg
	for _, in := range n.inputs {
		m = m.str(nodeInput, in)
	}
	for _, out := range n.outputs {
		m = m.str(nodeOutput, out)
	}
	m = m.str(nodeName, n.name).str(nodeOpType, n.op)
	for _, a := range n.attrs {
		m = m.sub(nodeAttribute, a.encode())
	}
	return m
}

// initializer is one constant TensorProto: float32 or int64 values, stored as raw little-endian
// bytes.
type initializer struct {
	name  string
	dims  []int64
	f32   []float32
	i64   []int64
	isInt bool
}

func (t initializer) encode() msg {
	m := msg(nil).packed(tensorDims, t.dims)
	var raw []byte
	if t.isInt {
		m = m.varint(tensorDataType, dataInt64)
		raw = make([]byte, 0, 8*len(t.i64))
		for _, v := range t.i64 {
			raw = protowire.AppendFixed64(raw, uint64(v))
		}
	} else {
		m = m.varint(tensorDataType, dataFloat)
		raw = make([]byte, 0, 4*len(t.f32))
		for _, v := range t.f32 {
			raw = protowire.AppendFixed32(raw, math.Float32bits(v))
		}
	}
	return m.str(tensorName, t.name).bytes(tensorRawData, raw)
}

// valueInfo is a float32 graph input or output; a dimension below 1 is the symbolic batch
// dimension "N".
type valueInfo struct {
	name string
	dims []int
}

func (v valueInfo) encode() msg {
	var shape msg
	for _, d := range v.dims {
		var dim msg
		if d < 1 {
			dim = dim.str(dimParam, "N")
		} else {
			dim = dim.int64(dimValue, int64(d))
		}
		shape = shape.sub(shapeDim, dim)
	}
	tt := msg(nil).varint(tensorElemType, dataFloat).sub(tensorShape, shape)
	typ := msg(nil).sub(typeTensor, tt)
	return msg(nil).str(valueName, v.name).sub(valueType, typ)
}
