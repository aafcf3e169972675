package bench

import (
	"context"
	"os/exec"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func TestTokenizerCountsO200k(t *testing.T) {
	if _, err := exec.LookPath("npm"); err != nil {
		t.Skip("npm is not installed")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	tok := Tokenizer{Dir: "tokenizer"}
	if err := tok.Install(ctx); err != nil {
		t.Fatal(err)
	}
	// Known o200k_base counts: "hello world" is 2 tokens, "" is 0.
	got, err := tok.Count(ctx, []string{"hello world", "", `{"name":"echo"}`})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]int{2, 0, 5}, got); diff != "" {
		t.Errorf("counts (-want +got):\n%s", diff)
	}
}
