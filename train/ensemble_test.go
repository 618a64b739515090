package train

import (
	"reflect"
	"testing"
)

func TestMajorityVote(t *testing.T) {
	for _, tc := range []struct {
		name  string
		preds [][]int
		want  []int
	}{
		{"one member", [][]int{{3, 1, 2}}, []int{3, 1, 2}},
		{"majority", [][]int{{0, 1}, {2, 1}, {2, 0}}, []int{2, 1}},
		{"all differ: the top member", [][]int{{4}, {5}, {6}}, []int{4}},
		{"tie: the higher-ranked member's class", [][]int{{1}, {2}, {2}, {1}}, []int{1}},
		{"tie, top member outvoted", [][]int{{0}, {2}, {3}, {3}, {2}}, []int{2}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := MajorityVote(tc.preds, 10); !reflect.DeepEqual(got, tc.want) {
				t.Errorf("MajorityVote(%v) = %v, want %v", tc.preds, got, tc.want)
			}
		})
	}
}

func TestCorrect(t *testing.T) {
	if n := Correct([]int{1, 2, 3, 4}, []int{1, 0, 3}); n != 2 {
		t.Errorf("Correct = %d, want 2 (a prediction past the labels counts for nothing)", n)
	}
}
