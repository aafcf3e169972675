package main

import (
	"maps"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"gopkg.in/yaml.v3"
)

// schemaNode is the part of an OpenAPI schema the shapes are checked against.
type schemaNode struct {
	Ref        string               `yaml:"$ref"`
	Properties map[string]yaml.Node `yaml:"properties"`
	Required   []string             `yaml:"required"`
	AllOf      []schemaNode         `yaml:"allOf"`
}

// loadSchemas reads components/schemas of the contract of record.
func loadSchemas(t *testing.T) map[string]schemaNode {
	t.Helper()
	b, err := os.ReadFile("../../klipy/openapi.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Components struct {
			Schemas map[string]schemaNode `yaml:"schemas"`
		} `yaml:"components"`
	}
	if err := yaml.Unmarshal(b, &doc); err != nil {
		t.Fatal(err)
	}
	return doc.Components.Schemas
}

// flatten returns the property names and required names of a schema,
// following $ref and allOf.
func flatten(all map[string]schemaNode, n schemaNode) (props, required []string) {
	if n.Ref != "" {
		return flatten(all, all[strings.TrimPrefix(n.Ref, "#/components/schemas/")])
	}
	props = slices.Collect(maps.Keys(n.Properties))
	required = slices.Clone(n.Required)
	for _, sub := range n.AllOf {
		p, r := flatten(all, sub)
		props = append(props, p...)
		required = append(required, r...)
	}
	return uniq(props), uniq(required)
}

// TestShapesMatchContract keeps doctor's field lists equal to the contract
// of record, so a contract change cannot leave doctor comparing against a
// stale list.
func TestShapesMatchContract(t *testing.T) {
	all := loadSchemas(t)
	for _, s := range []shape{shapeEnvelope, shapeList, shapeMeta, shapePageInfo, shapeAuth, shapePerson, shapeCompany, shapeInteraction} {
		n, ok := all[s.Schema]
		if !ok {
			t.Errorf("schema %s is not in the contract", s.Schema)
			continue
		}
		props, required := flatten(all, n)
		if diff := cmp.Diff(props, uniq(slices.Clone(s.Fields))); diff != "" {
			t.Errorf("%s fields (-contract +doctor):\n%s", s.Schema, diff)
		}
		if diff := cmp.Diff(required, uniq(slices.Clone(s.Required))); diff != "" {
			t.Errorf("%s required (-contract +doctor):\n%s", s.Schema, diff)
		}
	}
}

func TestCompareResponse(t *testing.T) {
	const meta = `"meta":{"request_id":"r","api_version":"1","timestamp":"2026-01-01T00:00:00Z"}`
	tests := []struct {
		name string
		body string
		list bool
		want drift
	}{
		{
			name: "exact record",
			body: `{"object":"success","data":{"id":"c1","name":"Acme","domain":null,"industry":null,"employeeCount":null,"estimatedRevenue":null,"city":null,"state":null,"country":null,"linkedin":null,"website":null,"createdAt":"x","updatedAt":"x"},` + meta + `}`,
		},
		{
			name: "old envelope and renamed field",
			body: `{"success":true,"data":{"id":"c1","companyName":"Acme","domain":null,"industry":null,"employeeCount":null,"estimatedRevenue":null,"city":null,"state":null,"country":null,"linkedin":null,"website":null,"createdAt":"x","updatedAt":"x"}}`,
			want: drift{
				Unknown:         []string{"success", "data.companyName"},
				MissingRequired: []string{"object", "meta"},
				MissingOptional: []string{"data.name"},
			},
		},
		{
			name: "list without page_info, one record drifting",
			body: `{"object":"success","data":[{"id":"c1","name":"A","domain":null,"industry":null,"employeeCount":null,"estimatedRevenue":null,"city":null,"state":null,"country":null,"linkedin":null,"website":null,"createdAt":"x","updatedAt":"x"},{"id":"c2","name":"B","domain":null,"industry":null,"employeeCount":null,"estimatedRevenue":null,"city":null,"state":null,"country":null,"linkedin":null,"website":null,"createdAt":"x","updatedAt":"x","tags":[]}],` + meta + `}`,
			list: true,
			want: drift{Unknown: []string{"data[].tags"}, MissingRequired: []string{"page_info"}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := compareResponse([]byte(tt.body), shapeCompany, tt.list)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("drift (-want +got):\n%s", diff)
			}
		})
	}
	if _, err := compareResponse([]byte(`[1]`), shapeCompany, false); err == nil {
		t.Error("a non-object body compared without error")
	}
}
