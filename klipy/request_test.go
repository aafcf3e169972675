package klipy

import (
	"context"
	"io"
	"net/http"
	"net/url"
	"reflect"
	"strings"
	"testing"
	"testing/iotest"
	"testing/synctest"
	"time"
)

// FuzzPrepareURL checks that prepare builds the URL url.Parse reads from
// the text the client used to send: the base's escaped path followed by
// the operation's, the id escaped as a path segment.
func FuzzPrepareURL(f *testing.F) {
	for _, s := range []string{"per_0001", "a b", "a/b", "ü", "%41", "a;b,c", "$&+:=@", "a?b#c", "..", " x "} {
		f.Add("https://api.klipy.ai/api/v1", s)
		f.Add("http://h:/base%2Fdir/?q=1#frag", s)
	}
	f.Fuzz(func(t *testing.T, base, id string) {
		c, err := New(Options{BaseURL: base, APIKey: "k"})
		if err != nil {
			return
		}
		for _, op := range []string{"getPerson", "queryPeople"} {
			got, _, err := c.prepare(ops[op], call{op: op, id: id})
			if err != nil {
				continue
			}
			want, err := url.Parse(oldURL(c.base, ops[op].path, id))
			if err != nil {
				t.Fatalf("the old text does not parse: %v", err)
			}
			want.Host = c.reqBase.Host // as http.NewRequest normalises it
			if !reflect.DeepEqual(&got, want) {
				t.Errorf("prepare(%q, %q, %q) = %#v, want %#v", base, op, id, got, *want)
			}
		}
	})
}

// oldURL is the URL text the client sent before prepare built URLs.
func oldURL(base *url.URL, path, id string) string {
	raw, plain := path, path
	if pre, post, ok := strings.Cut(path, "{id}"); ok {
		raw, plain = pre+url.PathEscape(id)+post, pre+id+post
	}
	u := *base
	u.RawPath = base.EscapedPath() + raw
	u.Path += plain
	return u.String()
}

// TestReadAll checks readAll against io.ReadAll, with the size known,
// unknown or wrong, and the limit met.
// TestOperationPathsArePlain: prepare appends an operation's path to the
// base's without escaping it, which is right only while no path needs it.
func TestOperationPathsArePlain(t *testing.T) {
	for op, spec := range ops {
		for _, part := range strings.Split(strings.Replace(spec.path, "{id}", "", 1), "/") {
			if url.PathEscape(part) != part {
				t.Errorf("%s: path %q needs escaping", op, spec.path)
			}
		}
	}
}

func TestReadAll(t *testing.T) {
	for _, n := range []int{0, 1, 511, 512, 513, 4096, 100000} {
		body := strings.Repeat("x", n)
		for _, size := range []int64{-1, int64(n), int64(n) / 2, int64(n) + 7, MaxResponseBytes + 1} {
			for _, limit := range []int64{int64(n) + 1, int64(n) / 3} {
				want, _ := io.ReadAll(io.LimitReader(iotest.HalfReader(strings.NewReader(body)), limit))
				got, err := readAll(&io.LimitedReader{R: iotest.HalfReader(strings.NewReader(body)), N: limit}, size)
				if err != nil || string(got) != string(want) {
					t.Errorf("readAll(%d bytes, size %d, limit %d) = %d bytes, %v; want %d", n, size, limit, len(got), err, len(want))
				}
			}
		}
	}
}

// TestHeaderNamesCanonical pins that the names header reads are
// canonical, as header needs to match http.Header.Get.
func TestHeaderNamesCanonical(t *testing.T) {
	for _, name := range append(requestIDHeaders[:], hdrLimit, hdrRemaining, hdrReset) {
		if c := http.CanonicalHeaderKey(name); c != name {
			t.Errorf("%q is not canonical (%q)", name, c)
		}
	}
}

// TestBucketReRated: a bucket asked for at another rate takes it, as the
// rate it keeps beside the bucket says.
func TestBucketReRated(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		l, ctx := NewLocalLimiter(), context.Background()
		for range Burst(60) + 1 { // the burst, then one token a second
			_ = l.Wait(ctx, "b", 60)
		}
		start := time.Now()
		_ = l.Wait(ctx, "b", 6000) // one token every 10 ms
		if d := time.Since(start); d > 10*time.Millisecond {
			t.Errorf("waited %v at 6000/min, want at most 10ms", d)
		}
		start = time.Now()
		_ = l.Wait(ctx, "b", 60)
		if d := time.Since(start); d < 900*time.Millisecond {
			t.Errorf("waited %v back at 60/min, want about 1s", d)
		}
	})
}
