package bench

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"strings"
)

// Status is a row's verdict against its budget.
type Status string

// The verdicts. Info rows have no budget of their own.
const (
	Pass Status = "pass"
	Fail Status = "FAIL"
	Info Status = "info"
	// Error means the measure could not be taken; Note says why.
	Error Status = "error"
	// Skip means the machine lacks what the measure needs; Note says what.
	Skip Status = "skip"
)

// Row is one measure of the report.
type Row struct {
	Measure string   `json:"measure"`
	Unit    string   `json:"unit"`
	Klipy   *float64 `json:"klipy_mcp"`
	Floor   *float64 `json:"floor"`
	// Ratio is Klipy/Floor where both exist.
	Ratio  *float64 `json:"ratio"`
	Budget string   `json:"budget"`
	Status Status   `json:"status"`
	Note   string   `json:"note,omitempty"`
}

// Num returns a pointer to v, for Row fields.
func Num(v float64) *float64 { return &v }

// WithRatio sets r.Ratio to Klipy/Floor when both are present.
func (r Row) WithRatio() Row {
	if r.Klipy != nil && r.Floor != nil && *r.Floor != 0 {
		r.Ratio = Num(*r.Klipy / *r.Floor)
	}
	return r
}

// Verdict returns Pass when ok and Fail otherwise.
func Verdict(ok bool) Status {
	if ok {
		return Pass
	}
	return Fail
}

// WriteJSONLines writes one JSON object per row.
func WriteJSONLines(w io.Writer, rows []Row) error {
	enc := json.NewEncoder(w)
	for _, r := range rows {
		if err := enc.Encode(r); err != nil {
			return err
		}
	}
	return nil
}

// Markdown renders rows as a markdown table.
func Markdown(rows []Row) string {
	var b strings.Builder
	b.WriteString("| measure | klipy-mcp | floor | ratio | budget | status |\n")
	b.WriteString("|---|---:|---:|---:|---|---|\n")
	for _, r := range rows {
		status := string(r.Status)
		if r.Note != "" {
			status += " — " + r.Note
		}
		fmt.Fprintf(&b, "| %s | %s | %s | %s | %s | %s |\n", r.Measure,
			cell(r.Klipy, r.Unit), cell(r.Floor, r.Unit), ratioCell(r.Ratio), r.Budget, status)
	}
	return b.String()
}

func cell(v *float64, unit string) string {
	if v == nil {
		return "—"
	}
	return strings.TrimSpace(formatNum(*v) + " " + unit)
}

func ratioCell(v *float64) string {
	if v == nil {
		return "—"
	}
	return fmt.Sprintf("%.2f×", *v)
}

// formatNum prints v with precision suited to its size.
func formatNum(v float64) string {
	switch a := max(v, -v); {
	case a == float64(int64(v)) && a < 1e9:
		return fmt.Sprintf("%d", int64(v))
	case a >= 100:
		return fmt.Sprintf("%.0f", v)
	case a >= 10:
		return fmt.Sprintf("%.1f", v)
	case a >= 0.1:
		return fmt.Sprintf("%.2f", v)
	default:
		return fmt.Sprintf("%.3f", v)
	}
}

// Doc markers delimit the generated part of docs/benchmarks.md; text outside
// them is kept when the report is rewritten.
const (
	DocBegin = "<!-- klipy-bench:begin -->"
	DocEnd   = "<!-- klipy-bench:end -->"
)

// UpdateDoc replaces the generated part of the markdown file at path with
// body, creating the file (with a title) when it does not exist.
func UpdateDoc(path, body string) error {
	generated := DocBegin + "\n" + body + DocEnd + "\n"
	old, err := os.ReadFile(path)
	if os.IsNotExist(err) {
		return os.WriteFile(path, []byte("# Benchmarks\n\n"+generated), 0o644)
	}
	if err != nil {
		return err
	}
	s := string(old)
	i, j := strings.Index(s, DocBegin), strings.Index(s, DocEnd)
	if i < 0 || j < i {
		return os.WriteFile(path, []byte(strings.TrimRight(s, "\n")+"\n\n"+generated), 0o644)
	}
	s = s[:i] + generated + strings.TrimPrefix(s[j+len(DocEnd):], "\n")
	return os.WriteFile(path, []byte(s), 0o644)
}
