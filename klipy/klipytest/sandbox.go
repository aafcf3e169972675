package klipytest

import (
	"bytes"
	_ "embed" // the demo workspace
	"encoding/json"
	"fmt"
	"time"
)

//go:generate go run ./demo/gen -o demo/workspace.json

// demoWorkspace is the demo dataset: fictional people, companies and
// interactions whose dates are stored relative to "now" (ageDays,
// updatedDays, ageMinutes), so the workspace always looks recent.
//
//go:embed demo/workspace.json
var demoWorkspace []byte

// SandboxKeys returns the keys NewSandbox accepts, all on the demo
// workspace: SandboxKey with every scope, then narrower ones, so that
// integrators see tools filtered by scope. Each call builds them afresh, so
// a caller may change what it gets without changing the sandbox.
func SandboxKeys() []Key {
	return []Key{
		{Token: SandboxKey, Org: SandboxOrg, Scopes: []string{ScopeAll}},
		{Token: SandboxReadOnlyKey, Org: SandboxOrg, Scopes: []string{"people:read", "companies:read", "interactions:read"}},
		{Token: SandboxPeopleReadKey, Org: SandboxOrg, Scopes: []string{"people:read"}},
	}
}

// The sandbox's narrower keys.
const (
	// SandboxReadOnlyKey may read people, companies and interactions.
	SandboxReadOnlyKey = "klipy_api_sandbox_read_only"
	// SandboxPeopleReadKey may only read people.
	SandboxPeopleReadKey = "klipy_api_sandbox_people_read"
)

// NewSandbox returns a fake seeded with the demo workspace under org
// SandboxOrg, accepting SandboxKeys(). Its request log keeps the last 1000
// requests, so a long-running sandbox does not grow.
func NewSandbox() *Server {
	s := New(Options{LogLimit: 1000})
	for _, k := range SandboxKeys() {
		s.AddKey(k)
	}
	if err := s.SeedDemo(SandboxOrg); err != nil {
		panic(err) // the embedded dataset is tested; this cannot happen
	}
	return s
}

// demoFile is the shape of demo/workspace.json. Records are kept as raw
// JSON objects so that every field, including ones the contract does not
// name, reaches the API as written.
type demoFile struct {
	TeamName     string           `json:"team_name"`
	Companies    []map[string]any `json:"companies"`
	People       []map[string]any `json:"people"`
	Interactions []map[string]any `json:"interactions"`
}

// DemoCounts reports how many records the demo workspace holds.
type DemoCounts struct{ People, Companies, Interactions int }

// SeedDemo adds the demo workspace to org's data (and names the org after
// it), with dates placed relative to the server's clock. Tests that need a
// fake clock build a Server with New and call SeedDemo.
func (s *Server) SeedDemo(org string) error {
	d, err := parseDemo()
	if err != nil {
		return err
	}
	now := s.now()
	s.mu.Lock()
	ws := s.workspaceLocked(org)
	if _, named := s.teamNames[org]; !named {
		s.teamNames[org] = d.TeamName
	}
	s.mu.Unlock()
	ws.mu.Lock()
	defer ws.mu.Unlock()
	for _, f := range d.Companies {
		ws.companies[f["id"].(string)] = s.seedRecord(f, now)
	}
	for _, f := range d.People {
		ws.people[f["id"].(string)] = s.seedRecord(f, now)
	}
	for _, f := range d.Interactions {
		e := s.seedInteraction(f, now)
		id := f["id"].(string)
		ws.interactions[id] = e
		if p, ok := f["primaryId"].(string); ok && p != "" {
			ws.byPrimaryID[p] = id
		}
	}
	return nil
}

// Demo returns the demo workspace's record counts.
func Demo() (DemoCounts, error) {
	d, err := parseDemo()
	if err != nil {
		return DemoCounts{}, err
	}
	return DemoCounts{People: len(d.People), Companies: len(d.Companies), Interactions: len(d.Interactions)}, nil
}

func parseDemo() (*demoFile, error) {
	var d demoFile
	dec := json.NewDecoder(bytes.NewReader(demoWorkspace))
	dec.UseNumber()
	if err := dec.Decode(&d); err != nil {
		return nil, fmt.Errorf("klipytest: demo workspace: %w", err)
	}
	for _, group := range [][]map[string]any{d.Companies, d.People, d.Interactions} {
		for i, f := range group {
			if _, ok := f["id"].(string); !ok {
				return nil, fmt.Errorf("klipytest: demo workspace: record %d has no id", i)
			}
		}
	}
	return &d, nil
}

// ageOf reads a relative-age field (a JSON number) and removes it.
func ageOf(f map[string]any, name string) float64 {
	n, _ := f[name].(json.Number)
	delete(f, name)
	v, _ := n.Float64()
	return v
}

// seedRecord turns a demo person or company into a stored record:
// createdAt is ageDays before now, updatedAt updatedDays before now (or
// createdAt).
func (s *Server) seedRecord(f map[string]any, now time.Time) *entry {
	day := 24 * time.Hour
	created := now.Add(-time.Duration(ageOf(f, "ageDays") * float64(day))).Truncate(time.Second)
	updated := created
	if u := ageOf(f, "updatedDays"); u > 0 {
		updated = now.Add(-time.Duration(u * float64(day))).Truncate(time.Second)
	}
	f["createdAt"], f["updatedAt"] = rfc3339(created), rfc3339(updated)
	return &entry{seq: s.seq.Add(1), fields: f}
}

// seedInteraction turns a demo interaction into a stored record: it
// happened ageMinutes before now and was recorded two minutes later.
func (s *Server) seedInteraction(f map[string]any, now time.Time) *entry {
	at := now.Add(-time.Duration(ageOf(f, "ageMinutes") * float64(time.Minute))).Truncate(time.Millisecond)
	f["interactionDate"] = rfc3339ms(at)
	f["creationTime"] = rfc3339ms(at.Add(2 * time.Minute))
	f["contacts"] = stringList(f["contacts"])
	f["companies"] = stringList(f["companies"])
	return &entry{seq: s.seq.Add(1), dateMs: at.UnixMilli(), fields: f}
}

func stringList(v any) []string {
	list, _ := v.([]any)
	out := make([]string, 0, len(list))
	for _, x := range list {
		if s, ok := x.(string); ok {
			out = append(out, s)
		}
	}
	return out
}
