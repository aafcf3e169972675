package conformance

import "github.com/mark3labs/mcp-go/server"

// Options returns server options that add every fixture and the
// capabilities the suite exercises (logging, completions, resource
// subscriptions, sampling). Append them to the product's own options, e.g.
// tools.NewServer(cfg, conformance.Options()...), so that the fixtures run
// through the product's middleware and transport.
func Options() []server.ServerOption {
	return []server.ServerOption{
		server.WithToolCapabilities(false),
		server.WithResourceCapabilities(true, false),
		server.WithPromptCapabilities(false),
		server.WithLogging(),
		server.WithCompletions(),
		server.WithElicitation(),
		server.WithPromptCompletionProvider(completions{}),
		server.WithResourceCompletionProvider(completions{}),
		register,
	}
}

// register adds the fixture tools, resources, templates and prompts.
func register(s *server.MCPServer) {
	s.EnableSampling()
	s.AddTools(Tools()...)
	s.AddResources(Resources()...)
	s.AddResourceTemplates(Templates()...)
	s.AddPrompts(Prompts()...)
}
