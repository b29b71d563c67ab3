package web_test

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/chromedp/chromedp"
)

// The browser tests check every page they reach with axe-core at WCAG 2.2
// A and AA, as they check its width: a violation fails the test that met it.
// axe-core is not part of the repository: TIAOJIE_AXE names its axe.min.js
// (CI installs the npm package at run time and sets it), else a global npm
// install is used. Where it cannot be found, CI (CI=true) and a run that
// named a file fail; a developer's run says so on stderr, once, and
// TestBrowserAxeFound is skipped with the reason.

// axeTags are the rule sets run: WCAG 2.0, 2.1 and 2.2 at levels A and AA,
// and those TIAOJIE_AXE_TAGS adds (comma-separated, such as best-practice).
var axeTags = append([]string{"wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"},
	strings.FieldsFunc(os.Getenv("TIAOJIE_AXE_TAGS"), func(r rune) bool { return r == ',' || r == ' ' })...)

var axe struct {
	once sync.Once
	src  string // the script; empty when not found
	why  string // why not, when not
	path string
}

// axeScript is axe-core's script, or "" where it is not to be had (and not
// required).
func axeScript(t *testing.T) string {
	t.Helper()
	axe.once.Do(func() {
		path := os.Getenv("TIAOJIE_AXE")
		if path == "" {
			if out, err := exec.Command("npm", "root", "-g").Output(); err == nil {
				if p := filepath.Join(strings.TrimSpace(string(out)), "axe-core", "axe.min.js"); fileExists(p) {
					path = p
				}
			}
		}
		if path == "" {
			axe.why = "axe-core is not installed: set TIAOJIE_AXE to its axe.min.js (npm install axe-core) or npm install -g axe-core"
			if os.Getenv("CI") != "true" {
				fmt.Fprintln(os.Stderr, "note: "+axe.why+"; the browser tests do not check the pages for accessibility")
			}
			return
		}
		b, err := os.ReadFile(path)
		if err != nil {
			axe.why = fmt.Sprintf("axe-core at %s (TIAOJIE_AXE) cannot be read: %v", path, err)
			return
		}
		axe.src, axe.path = string(b), path
	})
	if axe.src == "" && (os.Getenv("CI") == "true" || os.Getenv("TIAOJIE_AXE") != "") {
		t.Fatal(axe.why)
	}
	return axe.src
}

func fileExists(p string) bool {
	st, err := os.Stat(p)
	return err == nil && !st.IsDir()
}

// TestBrowserAxeFound says, by passing or by a skip with its reason, whether
// the browser tests check pages with axe-core; in CI it must be found.
func TestBrowserAxeFound(t *testing.T) {
	t.Parallel()
	if axeScript(t) == "" {
		t.Skip("skipped: " + axe.why)
	}
	t.Logf("axe-core from %s", axe.path)
}

// axeViolation is one rule a page breaks, with the elements that break it.
type axeViolation struct {
	ID     string   `json:"id"`
	Impact string   `json:"impact"`
	Help   string   `json:"help"`
	Nodes  []string `json:"nodes"`
}

// checkAxe runs axe-core on the page the tab is at and fails the test for
// each violation.
func (tb *tab) checkAxe(page string) {
	tb.t.Helper()
	src := axeScript(tb.t)
	if src == "" {
		return
	}
	if loaded, err := chromedp.Run(tb.ctx, chromedp.Evaluate[bool](`typeof window.axe === 'object'`)); err != nil {
		tb.t.Fatalf("%s: %v", tb.name, err)
	} else if !loaded {
		if _, err := chromedp.Run(tb.ctx, chromedp.Evaluate[any](src+"\n;true")); err != nil {
			tb.t.Fatalf("%s: inject axe-core: %v", tb.name, err)
		}
	}
	tags, _ := json.Marshal(axeTags)
	found, err := chromedp.Run(tb.ctx, chromedp.Evaluate[[]axeViolation](`axe.run(document, {runOnly: {type: 'tag', values: `+string(tags)+`},
		resultTypes: ['violations']}).then(r => r.violations.map(v => ({id: v.id, impact: v.impact || '', help: v.help,
		nodes: v.nodes.map(n => n.target.join(' ') + ': ' + (n.failureSummary || '').replace(/\s+/g, ' '))})))`, chromedp.EvalAwaitPromise))
	if err != nil {
		tb.t.Fatalf("%s: axe-core on %s: %v", tb.name, page, err)
	}
	lang, _ := chromedp.Run(tb.ctx, chromedp.Evaluate[string](`document.documentElement.lang`))
	for _, v := range found {
		tb.t.Errorf("%s: %s (%s): axe %s (%s): %s\n\t%s", tb.name, page, lang, v.ID, v.Impact, v.Help, strings.Join(v.Nodes, "\n\t"))
	}
}
