package web

import (
	"bytes"
	"errors"
	"fmt"
	"html/template"
	"io"
	"text/template/parse"
)

// A page set is bound to one language, so a translation without arguments,
// {{T "key"}}, is the same text on every request. foldTranslations writes
// each such action into the page set as the text it renders, escaped as
// html/template escapes it in that place, so that a request calls no
// function for it: on a case page with fifty submissions these are hundreds
// of calls through reflection. Only actions in HTML text, a quoted attribute
// value or an RCDATA element (title, textarea) are folded, where the escaping
// of a string is the same; any other place (a URL, a script) keeps its call.

// foldable are html/template's escapers that escape a string alike.
var foldable = map[string]bool{
	"_html_template_htmlescaper":   true,
	"_html_template_attrescaper":   true,
	"_html_template_rcdataescaper": true,
}

// htmlText escapes a string as html/template does in HTML text.
var htmlText = template.Must(template.New("text").Parse("{{.}}"))

// foldTranslations escapes the page set (as its first execution would) and
// folds its argument-less translations. entries are the templates requests
// execute: the page, and the fragments it keeps (fragments.go).
func foldTranslations(t *template.Template, entries []string, tr translator) error {
	// Executing without data escapes every template an entry reaches, then
	// fails on the first field; only a failure to escape is an error here.
	for _, entry := range entries {
		if t.Lookup(entry) == nil {
			return fmt.Errorf("web: template %q is not defined", entry)
		}
		var escErr *template.Error
		if err := t.ExecuteTemplate(io.Discard, entry, nil); errors.As(err, &escErr) {
			return err
		}
	}
	for _, tmpl := range t.Templates() {
		if tmpl.Tree != nil && tmpl.Tree.Root != nil {
			if err := foldList(tmpl.Tree.Root, tr); err != nil {
				return err
			}
		}
	}
	return nil
}

func foldList(l *parse.ListNode, tr translator) error {
	if l == nil {
		return nil
	}
	for i, n := range l.Nodes {
		switch n := n.(type) {
		case *parse.ActionNode:
			text, ok, err := foldAction(n, tr)
			if err != nil {
				return err
			}
			if ok {
				l.Nodes[i] = &parse.TextNode{NodeType: parse.NodeText, Pos: n.Pos, Text: text}
			}
		case *parse.IfNode:
			if err := foldBranch(&n.BranchNode, tr); err != nil {
				return err
			}
		case *parse.RangeNode:
			if err := foldBranch(&n.BranchNode, tr); err != nil {
				return err
			}
		case *parse.WithNode:
			if err := foldBranch(&n.BranchNode, tr); err != nil {
				return err
			}
		case *parse.ListNode:
			if err := foldList(n, tr); err != nil {
				return err
			}
		}
	}
	return nil
}

func foldBranch(b *parse.BranchNode, tr translator) error {
	if err := foldList(b.List, tr); err != nil {
		return err
	}
	return foldList(b.ElseList, tr)
}

// foldAction is the text of {{T "key" | escaper}}, when n is that.
func foldAction(n *parse.ActionNode, tr translator) ([]byte, bool, error) {
	p := n.Pipe
	if p == nil || len(p.Decl) > 0 || len(p.Cmds) != 2 {
		return nil, false, nil
	}
	call, esc := p.Cmds[0], p.Cmds[1]
	if len(call.Args) != 2 || len(esc.Args) != 1 {
		return nil, false, nil
	}
	fn, ok := call.Args[0].(*parse.IdentifierNode)
	if !ok || fn.Ident != "T" {
		return nil, false, nil
	}
	key, ok := call.Args[1].(*parse.StringNode)
	if !ok {
		return nil, false, nil
	}
	if e, ok := esc.Args[0].(*parse.IdentifierNode); !ok || !foldable[e.Ident] {
		return nil, false, nil
	}
	var buf bytes.Buffer
	if err := htmlText.Execute(&buf, tr.T(key.Text, nil)); err != nil {
		return nil, false, err
	}
	return buf.Bytes(), true, nil
}
