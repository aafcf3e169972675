package bench

import (
	"encoding/json"
	"fmt"
)

// ModelTool is what a model sees of one tool in tools/list.
type ModelTool struct {
	Name        string          `json:"name"`
	Title       string          `json:"title,omitempty"`
	Description string          `json:"description,omitempty"`
	InputSchema json.RawMessage `json:"inputSchema"`
}

// ModelView extracts the model-visible part of a tools/list result: each
// tool's name, title (top-level, else annotations.title), description and
// input schema, in the server's order.
func ModelView(result json.RawMessage) ([]ModelTool, error) {
	var list struct {
		Tools []struct {
			ModelTool
			Annotations struct {
				Title string `json:"title"`
			} `json:"annotations"`
		} `json:"tools"`
	}
	if err := json.Unmarshal(result, &list); err != nil {
		return nil, fmt.Errorf("decode tools/list: %w", err)
	}
	tools := make([]ModelTool, len(list.Tools))
	for i, t := range list.Tools {
		tools[i] = t.ModelTool
		if tools[i].Title == "" {
			tools[i].Title = t.Annotations.Title
		}
	}
	return tools, nil
}

// CompactJSON marshals v without insignificant whitespace, as the bytes a
// client would pass to a model.
func CompactJSON(v any) (string, error) {
	b, err := json.Marshal(v)
	return string(b), err
}
