package genome

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
)

// schema describes where each key of the encoding may appear. encoding/json matches keys
// case-insensitively and keeps the last of duplicate keys; checkKeys rejects both, so that what
// a person reads in a genome file is exactly what was decoded.
type schema struct {
	fields map[string]*schema // an object: its keys (nil value: a scalar)
	elem   *schema            // an array: its elements
}

var (
	shapeSchema  = &schema{fields: map[string]*schema{"h": nil, "w": nil, "c": nil}}
	vertexSchema = &schema{fields: map[string]*schema{"id": nil, "activation": nil}}
	edgeSchema   = &schema{fields: map[string]*schema{
		"id": nil, "from": nil, "to": nil, "kind": nil, "skip": nil,
		"channels": nil, "half_h": nil, "half_w": nil, "stride_scale": nil,
	}}
	genomeSchema = &schema{fields: map[string]*schema{
		"format_version": nil, "input": shapeSchema, "classes": nil, "learning_rate": nil,
		"head_id": nil, "next_id": nil,
		"vertices": {elem: vertexSchema}, "edges": {elem: edgeSchema},
	}}
)

// checkKeys walks the JSON document and checks every object key against genomeSchema. Value
// types are left to encoding/json.
func checkKeys(data []byte) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	return walk(dec, genomeSchema, "genome")
}

// walk consumes one value from dec and checks it against s (nil: any scalar or null).
func walk(dec *json.Decoder, s *schema, path string) error {
	tok, err := dec.Token()
	if err != nil {
		return tokenError(path, err)
	}
	d, ok := tok.(json.Delim)
	if !ok {
		return nil // a scalar or null; encoding/json checks its type
	}
	switch {
	case d == '{' && s != nil && s.fields != nil:
		return walkObject(dec, s, path)
	case d == '[' && s != nil && s.elem != nil:
		for i := 0; dec.More(); i++ {
			if err := walk(dec, s.elem, fmt.Sprintf("%s[%d]", path, i)); err != nil {
				return err
			}
		}
		return closing(dec, path)
	default:
		return fmt.Errorf("%s: unexpected %v", path, d)
	}
}

func walkObject(dec *json.Decoder, s *schema, path string) error {
	seen := make(map[string]bool, len(s.fields))
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return tokenError(path, err)
		}
		key, _ := tok.(string)
		sub, known := s.fields[key]
		if !known {
			return fmt.Errorf("%s: unknown field %q", path, key)
		}
		if seen[key] {
			return fmt.Errorf("%s: field %q appears twice", path, key)
		}
		seen[key] = true
		if err := walk(dec, sub, path+"."+key); err != nil {
			return err
		}
	}
	return closing(dec, path)
}

// closing consumes the ']' or '}' that ends an array or object.
func closing(dec *json.Decoder, path string) error {
	if _, err := dec.Token(); err != nil {
		return tokenError(path, err)
	}
	return nil
}

// tokenError names the place of a syntax error; the end of input reads as truncation.
func tokenError(path string, err error) error {
	if errors.Is(err, io.EOF) {
		return fmt.Errorf("%s: unexpected end of input (truncated file?)", path)
	}
	return fmt.Errorf("%s: %v", path, err)
}
