package main

import "testing"

// TestDiscoveryRateReachesTheHost: --discovery-rate (or its environment
// variable) sets the host's budget for checks of new keys; 0 is refused.
func TestDiscoveryRateReachesTheHost(t *testing.T) {
	for _, c := range []struct {
		env  map[string]string
		args []string
		want int
	}{
		{nil, nil, 60},
		{map[string]string{"KLIPY_DISCOVERY_RATE": "30"}, nil, 30},
		{map[string]string{"KLIPY_DISCOVERY_RATE": "30"}, []string{"--discovery-rate", "600"}, 600},
	} {
		hc := httpHostingConfig(t, c.args, c.env)
		if hc.DiscoveryRate != c.want {
			t.Errorf("env %v args %v: DiscoveryRate %d, want %d", c.env, c.args, hc.DiscoveryRate, c.want)
		}
	}
	vals, _, err := parseFlags("http", []string{"--discovery-rate", "0"}, func(string) string { return "" })
	if err == nil {
		_, err = loadConfig(vals)
	}
	if err == nil {
		t.Error("--discovery-rate 0 was accepted")
	}
}
