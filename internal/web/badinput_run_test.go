package web_test

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	bolt "go.etcd.io/bbolt"

	"tiaojie/internal/evidence/evidencetest"
	"tiaojie/internal/mediation"
)

// TestBadInput sends every bad request of the table to one scene, which none
// of them may change.
func TestBadInput(t *testing.T) {
	t.Parallel()
	s := newScene(t)
	a := s.app

	// Cases in the states the table needs, made before any fingerprint.
	newCase := func(title string) string {
		var cs idOnly
		s.mediator.mustJSON("POST", "/api/v1/cases", map[string]string{"title": title, "category": "other",
			"community": "qingnian-lu", "source": "party_application"}, http.StatusCreated, &cs)
		return cs.ID
	}
	withdraw := func(id string) {
		s.mediator.mustJSON("POST", "/api/v1/cases/"+id+"/transitions", map[string]string{"to": "withdrawn",
			"reason": "申请人撤回申请"}, http.StatusOK, nil)
	}
	caseEmpty, caseOneSided, caseSpare := newCase("空卷宗"), newCase("只有申请人"), newCase("备用案件")
	var oneSided partyCreated
	s.mediator.mustJSON("POST", "/api/v1/cases/"+caseOneSided+"/parties", map[string]string{"name": "周一",
		"kind": "person", "side": "applicant"}, http.StatusCreated, &oneSided)
	withdraw(caseEmpty)
	withdraw(caseOneSided)
	// Two sessions of case A, an hour apart, for the session rows.
	var sessA idOnly
	s.mediator.mustJSON("POST", "/api/v1/cases/"+s.caseA+"/sessions", sessionBody("joint", "", 2, 2, "第一调解室"), http.StatusCreated, &sessA)
	s.mediator.mustJSON("POST", "/api/v1/cases/"+s.caseA+"/sessions", sessionBody("joint", "", 2, 4, "第一调解室"), http.StatusCreated, nil)
	var heldA idOnly
	held := sessionBody("joint", "", -1, 2, "3号楼院子")
	held["status"] = "held"
	s.mediator.mustJSON("POST", "/api/v1/cases/"+s.caseA+"/sessions", held, http.StatusCreated, &heldA)

	// An attachment of A1's, for the download rows.
	attA1 := mustAttach(t, s.a1, s.caseA, s.subA1, "photo.png", evidencetest.PNG(evidencetest.Picture(8, 8, false)))

	office, err := a.DB.UserByName("office")
	if err != nil {
		t.Fatal(err)
	}
	admin, err := a.DB.UserByName("admin")
	if err != nil {
		t.Fatal(err)
	}
	// Agreements and return visits.
	agreementFills, agreeParty := agreementBadInputScene(t, s)
	fill := strings.NewReplacer(append(append(sessionTimes(), agreementFills...), "{sessA}", sessA.ID, "{heldA}", heldA.ID,
		"{caseA}", s.caseA, "{caseB}", s.caseB, "{caseEmpty}", caseEmpty, "{caseOneSided}", caseOneSided,
		"{caseSpare}", caseSpare,
		"{partyA1}", s.partyA1, "{partyA2}", s.partyA2, "{partyB1}", s.partyB1, "{partyOneSided}", oneSided.ID,
		"{subA1}", s.subA1, "{subA2}", s.subA2, "{subB1}", s.subB1,
		"{tokenA1}", s.tokenA1, "{attA1}", attA1.ID,
		"{userWang}", s.mediatorUser.ID.String(), "{userLi}", s.otherUser.ID.String(),
		"{userOffice}", office.ID.String(), "{userAdmin}", admin.ID.String())...,
	)
	clients := map[string]*client{"anon": a.client(), "admin": s.admin, "mediator": s.mediator, "a1": s.a1,
		"agreeParty": agreeParty}

	table := badInputTable()
	seen := map[string]bool{}
	for _, tc := range table {
		if seen[tc.name] {
			t.Fatalf("two cases named %s", tc.name)
		}
		seen[tc.name] = true
		if clients[tc.as] == nil {
			t.Fatalf("%s: no principal %q", tc.name, tc.as)
		}
	}
	t.Logf("%d bad requests", len(table))
	for _, tc := range table {
		t.Run(tc.name, func(t *testing.T) {
			tc.path, tc.body = fill.Replace(tc.path), fill.Replace(tc.body)
			checkBadInput(t, a, clients[tc.as], tc)
		})
	}
}

// checkBadInput sends the request twice, in the default language and in
// English, and checks each answer and that the database did not change.
func checkBadInput(t *testing.T, a *testApp, c *client, tc badInputCase) {
	req := fmt.Sprintf("%s %s %s", tc.method, tc.path, abbreviate(tc.body))
	var answers [2]badInputError
	for i, lang := range []string{"", "en"} {
		var skip []string
		if tc.audited {
			skip = []string{"audit", "audit_by_case", "meta"}
		}
		before := boltFingerprint(t, a, skip...)
		status, header, raw := sendBadInput(t, c, tc.method, tc.path, tc.contentType, tc.body, lang)
		if after := boltFingerprint(t, a, skip...); after != before {
			t.Errorf("%s: the database changed (answer %d %s)", req, status, abbreviate(string(raw)))
		}
		if status != tc.wantStatus {
			t.Fatalf("%s: status %d, want %d: %s", req, status, tc.wantStatus, abbreviate(string(raw)))
		}
		if ct := header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
			t.Errorf("%s: Content-Type %q", req, ct)
		}
		e := parseBadInputError(t, raw)
		if e.Code != tc.wantCode {
			t.Errorf("%s: error.code %q, want %q: %s", req, e.Code, tc.wantCode, raw)
		}
		if tc.wantField != "" {
			if _, ok := e.Fields[tc.wantField]; !ok {
				t.Errorf("%s: error.fields %v does not name %q", req, e.Fields, tc.wantField)
			}
		}
		if tc.allowed != nil && !slices.Equal(e.Allowed, tc.allowed) {
			t.Errorf("%s: error.allowed %q, want %q", req, e.Allowed, tc.allowed)
		}
		if tc.missing != nil && !slices.Equal(e.Missing, tc.missing) {
			t.Errorf("%s: error.missing %q, want %q", req, e.Missing, tc.missing)
		}
		answers[i] = e
	}

	zh, en := answers[0], answers[1]
	if en.Code != zh.Code || !slices.Equal(sortedFieldNames(en.Fields), sortedFieldNames(zh.Fields)) {
		t.Errorf("%s: English answer %+v differs in substance from the default %+v", req, en, zh)
	}
	if !containsHan(zh.Message) || containsHan(en.Message) || zh.Message == en.Message {
		t.Errorf("%s: message not translated: default %q, English %q", req, zh.Message, en.Message)
	}
	if tc.wantField != "" {
		if z, e := zh.Fields[tc.wantField], en.Fields[tc.wantField]; !containsHan(z) || containsHan(e) || z == e {
			t.Errorf("%s: fields.%s not translated: default %q, English %q", req, tc.wantField, z, e)
		}
	}
}

type badInputError struct {
	Code    string            `json:"code"`
	Message string            `json:"message"`
	Fields  map[string]string `json:"fields"`
	Allowed []string          `json:"allowed"`
	Missing []string          `json:"missing"`
}

// untranslatedKey is what an untranslated message looks like.
var untranslatedKey = regexp.MustCompile(`^[a-z_]+(\.[a-z_]+)+$`)

// parseBadInputError checks the body is exactly {"error": {"code", "message",
// "fields"?, ...}} with every message present and translated.
func parseBadInputError(t *testing.T, raw []byte) badInputError {
	t.Helper()
	var outer map[string]json.RawMessage
	if err := json.Unmarshal(raw, &outer); err != nil || len(outer) != 1 || outer["error"] == nil {
		t.Fatalf("not an error answer: %s", abbreviate(string(raw)))
	}
	var keys map[string]json.RawMessage
	if err := json.Unmarshal(outer["error"], &keys); err != nil {
		t.Fatalf("error is not an object: %s", raw)
	}
	for k := range keys {
		if !slices.Contains([]string{"code", "message", "fields", "allowed", "missing", "conflict", "request_id"}, k) {
			t.Errorf("error has an unexpected member %q: %s", k, raw)
		}
	}
	var e badInputError
	if err := json.Unmarshal(outer["error"], &e); err != nil {
		t.Fatalf("error members of the wrong type: %v: %s", err, raw)
	}
	if e.Code == "" || strings.TrimSpace(e.Message) == "" || untranslatedKey.MatchString(e.Message) {
		t.Errorf("error without a code or a translated message: %s", raw)
	}
	if _, ok := keys["fields"]; ok && len(e.Fields) == 0 {
		t.Errorf("empty error.fields: %s", raw)
	}
	for name, msg := range e.Fields {
		if name == "" || strings.TrimSpace(msg) == "" || untranslatedKey.MatchString(msg) {
			t.Errorf("error.fields[%q] = %q: want a field name and a translated message", name, msg)
		}
	}
	return e
}

// sendBadInput sends body as is with the given Content-Type (none for
// withoutContentType) and Accept-Language (none when empty).
func sendBadInput(t *testing.T, c *client, method, path, contentType, body, lang string) (int, http.Header, []byte) {
	t.Helper()
	req, err := http.NewRequest(method, c.app.HTTP.URL+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range c.Header {
		req.Header[k] = v
	}
	switch contentType {
	case "":
		req.Header.Set("Content-Type", "application/json")
	case withoutContentType:
	default:
		req.Header.Set("Content-Type", contentType)
	}
	if lang != "" {
		req.Header.Set("Accept-Language", lang)
	}
	resp, err := c.http.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, resp.Header, raw
}

// boltFingerprint is SHA-256 over every bucket's name and sequence and every
// key and value in it, after the pending read audits are written. A login's
// last-seen time is left out: any signed-in request more than a minute after
// the last one refreshes it (auth's touchEvery), which is the login's idle
// clock, not a change the request makes, and comes as soon as a test runs
// slowly, as on a loaded machine.
func boltFingerprint(t testing.TB, a *testApp, skip ...string) string {
	t.Helper()
	a.DB.FlushReads()
	h := sha256.New()
	field := func(tag byte, b []byte) {
		h.Write([]byte{tag})
		h.Write(binary.BigEndian.AppendUint64(nil, uint64(len(b))))
		h.Write(b)
	}
	err := a.DB.Bolt().View(func(tx *bolt.Tx) error {
		return tx.ForEach(func(name []byte, b *bolt.Bucket) error {
			if slices.Contains(skip, string(name)) {
				return nil
			}
			field('B', name)
			field('S', binary.BigEndian.AppendUint64(nil, b.Sequence()))
			return b.ForEach(func(k, v []byte) error {
				if v == nil && b.Bucket(k) != nil {
					return fmt.Errorf("nested bucket %s/%x: the fingerprint does not cover it", name, k)
				}
				if string(name) == "logins" {
					v = withoutLastSeen(t, v)
				}
				field('K', k)
				field('V', v)
				return nil
			})
		})
	})
	if err != nil {
		t.Fatal(err)
	}
	return hex.EncodeToString(h.Sum(nil))
}

// withoutLastSeen is a stored login without its last_seen field.
func withoutLastSeen(t testing.TB, v []byte) []byte {
	t.Helper()
	var l map[string]json.RawMessage
	if err := json.Unmarshal(v, &l); err != nil {
		t.Fatalf("a login that is not a JSON object: %v", err)
	}
	if _, ok := l["last_seen"]; !ok {
		t.Fatalf("a login without last_seen: %s", v)
	}
	delete(l, "last_seen")
	out, err := json.Marshal(l)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func containsHan(s string) bool {
	return strings.IndexFunc(s, func(r rune) bool { return unicode.Is(unicode.Han, r) }) >= 0
}

func sortedFieldNames(m map[string]string) []string {
	var ks []string
	for k := range m {
		ks = append(ks, k)
	}
	slices.Sort(ks)
	return ks
}

// abbreviate shortens a body for a failure message.
func abbreviate(s string) string {
	if utf8.RuneCountInString(s) <= 120 {
		return s
	}
	r := []rune(s)
	return string(r[:120]) + fmt.Sprintf("…(%d bytes)", len(s))
}

// TestBadInputBoundaries checks the other side of the limits above: input at
// the edge, or in a form the server normalizes, is accepted and stored.
func TestBadInputBoundaries(t *testing.T) {
	t.Parallel()
	s := newScene(t)
	a := s.app
	accept := func(name string, c *client, method, path, contentType, body string, want int, check func(*testing.T, map[string]any)) {
		t.Run(name, func(t *testing.T) {
			before := boltFingerprint(t, a)
			status, _, raw := sendBadInput(t, c, method, path, contentType, body, "")
			if status != want {
				t.Fatalf("%s %s: status %d, want %d: %s", method, path, status, want, abbreviate(string(raw)))
			}
			if boltFingerprint(t, a) == before {
				t.Errorf("%s %s: accepted, but the database did not change", method, path)
			}
			var out map[string]any
			if err := json.Unmarshal(raw, &out); err != nil {
				t.Fatal(err)
			}
			if check != nil {
				check(t, out)
			}
		})
	}
	field := func(key, want string) func(*testing.T, map[string]any) {
		return func(t *testing.T, out map[string]any) {
			t.Helper()
			if got, _ := out[key].(string); got != want {
				t.Errorf("%s = %q, want %q", key, abbreviate(got), abbreviate(want))
			}
		}
	}

	caseA := "/api/v1/cases/" + s.caseA
	longBody := strings.Repeat("字", mediation.MaxSubmissionBody)
	accept("ChineseBodyOf20000Characters", s.a1, "POST", caseA+"/submissions", "",
		jsonObject{{"kind", `"evidence"`}, {"body", jsonText(longBody)}}.String(), http.StatusCreated, field("body", longBody))
	accept("MultiLineBodyWithTabs", s.a1, "POST", caseA+"/submissions", "",
		jsonObject{{"kind", `"interests"`}, {"body", jsonText("第一，\n\t希望晚上十点后安静。\n第二，车位轮流用。")}}.String(),
		http.StatusCreated, field("body", "第一，\n\t希望晚上十点后安静。\n第二，车位轮流用。"))
	title := strings.Repeat("题", 100)
	accept("ChineseTitleOf100Characters", s.mediator, "POST", "/api/v1/cases", "",
		jsonObject{{"title", jsonText(title)}, {"category", `"pets"`}, {"community", `"dongfeng"`}, {"source", `"referred_court"`}}.String(),
		http.StatusCreated, field("title", title))
	accept("PartyPhoneWithCountryCodeAndDashes", s.mediator, "POST", caseA+"/parties", "",
		jsonObject{{"name", jsonText("吴芳")}, {"kind", `"person"`}, {"side", `"third_party"`}, {"phone", jsonText("+86 138-0013-8000")}}.String(),
		http.StatusCreated, field("phone", "13800138000"))
	accept("PartyPhoneWith0086", s.mediator, "POST", caseA+"/parties", "",
		jsonObject{{"name", jsonText("郑强")}, {"kind", `"person"`}, {"side", `"third_party"`}, {"phone", jsonText("0086 13700137000")}}.String(),
		http.StatusCreated, field("phone", "13700137000"))
	accept("UserPhoneWithCountryCodeAndDashes", s.admin, "POST", "/api/v1/users", "",
		jsonObject{{"username", `"zhou.min"`}, {"display_name", jsonText("周敏")}, {"role", `"mediator"`},
			{"phone", jsonText("+86 139-0013-9000")}, {"password", jsonText("一个足够长的密码")}}.String(),
		http.StatusCreated, field("phone", "13900139000"))
	accept("ContentTypeWithCharset", s.a1, "POST", caseA+"/submissions", "application/json; charset=utf-8",
		jsonObject{{"kind", `"response"`}, {"body", jsonText("同意。")}}.String(), http.StatusCreated, nil)
	exact := jsonObject{{"kind", `"response"`}, {"body", jsonText("补充。")}}.String()
	exact += strings.Repeat(" ", maxBodyBytes-len(exact))
	accept("BodyOfExactly1MiB", s.a1, "POST", caseA+"/submissions", "", exact, http.StatusCreated, nil)
}
