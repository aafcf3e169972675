package main

import (
	"encoding/json"
	"os"
	"path"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// The packaging files live at the module root.
const root = "../../"

func readRoot(t *testing.T, name string) string {
	t.Helper()
	b, err := os.ReadFile(root + name)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// envNames returns every environment variable the flag table defines.
func envNames() []string {
	var out []string
	for _, f := range flagTable {
		if f.Env != "" {
			out = append(out, f.Env)
		}
	}
	return out
}

type serverJSON struct {
	Name     string `json:"name"`
	Version  string `json:"version"`
	Packages []struct {
		RegistryType     string                `json:"registryType"`
		Identifier       string                `json:"identifier"`
		Transport        struct{ Type string } `json:"transport"`
		PackageArguments []struct {
			Type, Value string
		} `json:"packageArguments"`
		EnvironmentVariables []struct {
			Name                 string
			IsRequired, IsSecret bool
		} `json:"environmentVariables"`
	} `json:"packages"`
}

type manifestJSON struct {
	ManifestVersion string `json:"manifest_version"`
	Name            string `json:"name"`
	Version         string `json:"version"`
	Server          struct {
		Type       string `json:"type"`
		EntryPoint string `json:"entry_point"`
		MCPConfig  struct {
			Command string            `json:"command"`
			Args    []string          `json:"args"`
			Env     map[string]string `json:"env"`
		} `json:"mcp_config"`
	} `json:"server"`
	UserConfig map[string]struct {
		Type      string `json:"type"`
		Sensitive bool   `json:"sensitive"`
		Required  bool   `json:"required"`
	} `json:"user_config"`
}

func decodeRoot(t *testing.T, name string, v any) {
	t.Helper()
	dec := json.NewDecoder(strings.NewReader(readRoot(t, name)))
	if err := dec.Decode(v); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
}

// TestPackagingAgrees checks that the Dockerfile, server.json and
// manifest.json agree with each other and with the binary: its name, its
// commands, its version variables and its environment variables.
func TestPackagingAgrees(t *testing.T) {
	var srv serverJSON
	decodeRoot(t, "server.json", &srv)
	var man manifestJSON
	decodeRoot(t, "manifest.json", &man)
	docker := readRoot(t, "Dockerfile")

	label := regexp.MustCompile(`io\.modelcontextprotocol\.server\.name="([^"]+)"`).FindStringSubmatch(docker)
	if label == nil || label[1] != srv.Name {
		t.Errorf("Dockerfile label io.modelcontextprotocol.server.name = %v, want %q (server.json name)", label, srv.Name)
	}
	if man.Version != srv.Version {
		t.Errorf("manifest.json version %q != server.json version %q", man.Version, srv.Version)
	}
	for _, want := range []string{"-X main.version=", "-X main.commit=", "CGO_ENABLED=0", "-trimpath",
		"./cmd/klipy-mcp", `ENTRYPOINT ["/klipy-mcp"]`, `CMD ["stdio"]`, "FROM golang:1.26", "USER nonroot"} {
		if !strings.Contains(docker, want) {
			t.Errorf("Dockerfile lacks %q", want)
		}
	}
	if len(srv.Packages) == 0 {
		t.Fatal("server.json lists no package")
	}
	for _, p := range srv.Packages {
		if p.RegistryType == "oci" && !strings.HasSuffix(p.Identifier, ":"+srv.Version) {
			t.Errorf("OCI identifier %q is not tagged with version %s", p.Identifier, srv.Version)
		}
		if p.Transport.Type != "stdio" || len(p.PackageArguments) != 1 || p.PackageArguments[0].Value != "stdio" {
			t.Errorf("package %s does not run the stdio command", p.Identifier)
		}
		for _, ev := range p.EnvironmentVariables {
			if !slices.Contains(envNames(), ev.Name) {
				t.Errorf("server.json names %s, which no flag reads", ev.Name)
			}
			if ev.Name == "KLIPY_API_KEY" && !(ev.IsSecret && ev.IsRequired) {
				t.Error("server.json: KLIPY_API_KEY must be a required secret")
			}
		}
	}

	if man.Server.Type != "binary" || path.Base(man.Server.EntryPoint) != "klipy-mcp" ||
		path.Base(man.Server.MCPConfig.Command) != "klipy-mcp" || !slices.Equal(man.Server.MCPConfig.Args, []string{"stdio"}) {
		t.Errorf("manifest.json server = %+v, want the klipy-mcp binary run with stdio", man.Server)
	}
	for name, val := range man.Server.MCPConfig.Env {
		if !slices.Contains(envNames(), name) {
			t.Errorf("manifest.json sets %s, which no flag reads", name)
		}
		key := strings.TrimSuffix(strings.TrimPrefix(val, "${user_config."), "}")
		if _, ok := man.UserConfig[key]; !ok {
			t.Errorf("manifest.json env %s refers to missing user_config %q", name, key)
		}
	}
	if k := man.UserConfig["api_key"]; !k.Sensitive || !k.Required || k.Type != "string" {
		t.Errorf("manifest.json user_config.api_key = %+v, want a required sensitive string", k)
	}
	for _, c := range []string{"stdio"} {
		if commands[c] == nil {
			t.Errorf("packaging runs %q, which is not a command", c)
		}
	}
}

// TestREADMEConfigurationReference checks that the README documents every
// flag and environment variable.
func TestREADMEConfigurationReference(t *testing.T) {
	readme := readRoot(t, "README.md")
	for _, f := range flagTable {
		if !strings.Contains(readme, "`--"+f.Name+"`") {
			t.Errorf("README does not document --%s", f.Name)
		}
		if f.Env != "" && !strings.Contains(readme, "`"+f.Env+"`") {
			t.Errorf("README does not document %s", f.Env)
		}
	}
	for _, c := range commandOrder {
		if !strings.Contains(readme, "klipy-mcp "+c) {
			t.Errorf("README does not mention the %s command", c)
		}
	}
}
