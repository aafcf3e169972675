package conformance

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/mark3labs/mcp-go/mcp"
	"github.com/mark3labs/mcp-go/server"
)

const (
	staticText       = "This is the content of the static text resource."
	templatePrefix   = "test://template/"
	templateSuffix   = "/data"
	watchedResource  = "test://watched-resource"
	embeddedInPrompt = "Embedded resource content for testing."
)

// Resources returns the fixture resources: a text one, a binary one and the
// resource the subscribe scenarios watch.
func Resources() []server.ServerResource {
	return []server.ServerResource{
		{
			Resource: mcp.NewResource("test://static-text", "static-text",
				mcp.WithResourceDescription("A static text resource for testing"), mcp.WithMIMEType("text/plain")),
			Handler: func(_ context.Context, req mcp.ReadResourceRequest) ([]mcp.ResourceContents, error) {
				return []mcp.ResourceContents{mcp.TextResourceContents{
					URI: req.Params.URI, MIMEType: "text/plain", Text: staticText}}, nil
			},
		},
		{
			Resource: mcp.NewResource("test://static-binary", "static-binary",
				mcp.WithResourceDescription("A static binary resource (1x1 PNG) for testing"), mcp.WithMIMEType("image/png")),
			Handler: func(_ context.Context, req mcp.ReadResourceRequest) ([]mcp.ResourceContents, error) {
				return []mcp.ResourceContents{mcp.BlobResourceContents{
					URI: req.Params.URI, MIMEType: "image/png", Blob: redPixelPNG()}}, nil
			},
		},
		{
			Resource: mcp.NewResource(watchedResource, "watched-resource",
				mcp.WithResourceDescription("A resource the subscribe scenarios watch"), mcp.WithMIMEType("text/plain")),
			Handler: func(_ context.Context, req mcp.ReadResourceRequest) ([]mcp.ResourceContents, error) {
				return []mcp.ResourceContents{mcp.TextResourceContents{
					URI: req.Params.URI, MIMEType: "text/plain", Text: "Watched resource content."}}, nil
			},
		},
	}
}

// Templates returns the fixture resource template test://template/{id}/data.
func Templates() []server.ServerResourceTemplate {
	tmpl := mcp.NewResourceTemplate(templatePrefix+"{id}"+templateSuffix, "template-data",
		mcp.WithTemplateDescription("A resource template with an id parameter"), mcp.WithTemplateMIMEType("application/json"))
	return []server.ServerResourceTemplate{{Template: tmpl, Handler: readTemplate}}
}

// readTemplate substitutes the id taken from the requested URI.
func readTemplate(_ context.Context, req mcp.ReadResourceRequest) ([]mcp.ResourceContents, error) {
	uri := req.Params.URI
	id, ok := strings.CutPrefix(uri, templatePrefix)
	if ok {
		id, ok = strings.CutSuffix(id, templateSuffix)
	}
	if !ok || id == "" || strings.Contains(id, "/") {
		return nil, fmt.Errorf("%q does not match %s{id}%s", uri, templatePrefix, templateSuffix)
	}
	body, err := json.Marshal(map[string]any{"id": id, "templateTest": true, "data": "Data for ID: " + id})
	if err != nil {
		return nil, err
	}
	return []mcp.ResourceContents{mcp.TextResourceContents{URI: uri, MIMEType: "application/json", Text: string(body)}}, nil
}
