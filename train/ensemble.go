package train

// MajorityVote returns, per example, the class most members predicted; among tied classes,
// the one predicted by the highest-ranked member (members are in rank order).
func MajorityVote(preds [][]int, classes int) []int {
	if len(preds) == 0 {
		return nil
	}
	out := make([]int, len(preds[0]))
	counts := make([]int, classes)
	for i := range out {
		clear(counts)
		most := 0
		for _, p := range preds {
			if c := p[i]; c >= 0 && c < classes {
				counts[c]++
				most = max(most, counts[c])
			}
		}
		out[i] = preds[0][i]
		for _, p := range preds {
			if c := p[i]; c >= 0 && c < classes && counts[c] == most {
				out[i] = c
				break
			}
		}
	}
	return out
}

// Correct counts the predictions equal to their labels.
func Correct(pred, labels []int) int {
	n := 0
	for i, p := range pred {
		if i < len(labels) && p == labels[i] {
			n++
		}
	}
	return n
}
