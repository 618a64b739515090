package settings

import (
	"strings"
	"testing"

	"evo/train"
)

// TestExplicitZeros: momentum 0 and weight_decay 0 in experiment.json mean plain SGD and no
// decay; a file without them gets the defaults; the presets (what `evo init` writes) say
// the values training uses.
func TestExplicitZeros(t *testing.T) {
	base, err := Preset("digits")
	if err != nil {
		t.Fatal(err)
	}
	enc, err := base.Encode()
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(enc), `"momentum": 0.9`) || !strings.Contains(string(enc), `"weight_decay": 0.0001`) {
		t.Errorf("experiment.json of the digits preset does not say momentum 0.9 and weight decay 1e-4:\n%s", enc)
	}
	zero := strings.Replace(strings.Replace(string(enc), `"momentum": 0.9`, `"momentum": 0`, 1), `"weight_decay": 0.0001`, `"weight_decay": 0`, 1)
	c, err := Decode([]byte(zero))
	if err != nil {
		t.Fatal(err)
	}
	if c.Momentum != 0 || c.WeightDecay != 0 {
		t.Errorf("explicit zeros decoded as momentum %g, weight decay %g", c.Momentum, c.WeightDecay)
	}
	tc := c.TrainConfig(nil)
	if tc.Momentum >= 0 || tc.WeightDecay >= 0 {
		t.Errorf("train config momentum %g, weight decay %g: want negative (train's spelling of 0)", tc.Momentum, tc.WeightDecay)
	}
	if again, _ := c.Encode(); !strings.Contains(string(again), `"momentum": 0,`) {
		t.Errorf("re-encoded config lost the explicit 0:\n%s", again)
	}

	var lines []string
	for _, l := range strings.Split(string(enc), "\n") {
		if !strings.Contains(l, `"momentum"`) && !strings.Contains(l, `"weight_decay"`) {
			lines = append(lines, l)
		}
	}
	c, err = Decode([]byte(strings.Join(lines, "\n")))
	if err != nil {
		t.Fatal(err)
	}
	if c.Momentum != train.DefaultMomentum || c.WeightDecay != train.DefaultWeightDecay {
		t.Errorf("unset momentum and weight decay decoded as %g, %g; want the defaults", c.Momentum, c.WeightDecay)
	}
	if tc := c.TrainConfig(nil); tc.Momentum != train.DefaultMomentum || tc.WeightDecay != train.DefaultWeightDecay {
		t.Errorf("train config %g, %g", tc.Momentum, tc.WeightDecay)
	}
}
