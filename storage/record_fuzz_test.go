package storage

import (
	"encoding/json"
	"strings"
	"testing"
)

// FuzzDecodeRecord: whatever bytes a record.json holds (a torn write, a hand edit, a hostile
// file), decoding never panics, and a record it accepts is valid, names the directory it was
// read from, and round-trips through JSON to an equal record.
func FuzzDecodeRecord(f *testing.F) {
	const dir = "20261127T002359.704184135Z-d5e5acf48224"
	good := `{"id":"` + dir + `","worker":"w1","born":"2026-11-27T00:23:59.704184135Z",` +
		`"files":{"genome.json":{"size":12,"sha256":"` + strings.Repeat("ab", 32) + `"}},"meta":{"fitness":0.5}}`
	f.Add([]byte(good), dir)
	f.Add([]byte(good[:len(good)/2]), dir)
	f.Add([]byte(`{"id":"`+dir+`","worker":"../x","born":"2026-11-27T00:23:59Z"}`), dir)
	f.Add([]byte(`{"id":"`+dir+`","worker":"w","born":"2026-11-27T00:23:59Z","files":{"record.json":{"size":-1,"sha256":""}}}`), dir)
	f.Add([]byte(`null`), dir)
	f.Add([]byte(good), "other")
	f.Fuzz(func(t *testing.T, data []byte, dirName string) {
		rec, err := decodeRecord(data, dirName)
		if err != nil {
			return
		}
		if rec.ID != dirName {
			t.Fatalf("accepted a record naming %q read from %q", rec.ID, dirName)
		}
		if err := rec.validate(); err != nil {
			t.Fatalf("accepted an invalid record: %v", err)
		}
		again, err := json.Marshal(rec)
		if err != nil {
			t.Fatal(err)
		}
		rec2, err := decodeRecord(again, dirName)
		if err != nil {
			t.Fatalf("re-encoded record does not decode: %v\n%s", err, again)
		}
		if !rec2.Born.Equal(rec.Born) || len(rec2.Files) != len(rec.Files) || string(rec2.Meta) != string(rec.Meta) {
			t.Fatalf("round trip changed the record: %+v vs %+v", rec, rec2)
		}
	})
}
