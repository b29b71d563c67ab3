package main

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"tiaojie/internal/mediation"
	"tiaojie/internal/store"
	"tiaojie/internal/store/etcdtest"
)

const ledgerHead = "accepted_on,closed_on,category,community,source,outcome,sessions,applicant,respondent,summary\n"

func writeLedger(t *testing.T, body string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "ledger.csv")
	if err := os.WriteFile(path, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

func caseCount(t *testing.T, path string) int {
	t.Helper()
	db, err := store.OpenReadOnly(path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	cs, _, err := db.Cases(store.CaseFilter{All: true, Limit: 1000})
	if err != nil {
		t.Fatal(err)
	}
	return len(cs)
}

func TestImportLedger(t *testing.T) {
	t.Run("AGoodRegisterMakesCasesCheckAccepts", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "tiaojie.db")
		ledger := writeLedger(t, "\ufeff"+ledgerHead+
			"2024-03-02,2024-03-20,parking,dongfeng,party_application,agreement,3,张三,李四,\"车位被占，\n协商后让出\"\n"+
			"2024-04-11,,noise,xinhua,referred_police,,1,王五,赵六,夜间装修\n"+
			"2024-05-01,2024-05-01,pets,heping-li,committee_initiative,withdrawn,0,钱七,孙八,\n")
		var out bytes.Buffer
		if err := importCommand(&out, []string{"ledger", "--db", path, ledger}); err != nil {
			t.Fatalf("import: %v", err)
		}
		if !strings.Contains(out.String(), "imported 3 cases") {
			t.Errorf("output %q", out.String())
		}
		out.Reset()
		if err := checkCommand(&out, []string{"--db", path}); err != nil {
			t.Fatalf("check after the import: %v", err)
		}
		db, err := store.OpenReadOnly(path)
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		cs, _, err := db.Cases(store.CaseFilter{All: true, Limit: 10})
		if err != nil || len(cs) != 3 {
			t.Fatalf("%d cases, %v", len(cs), err)
		}
		first := cs[2] // newest first
		if first.Status != mediation.StatusClosed || first.Outcome != mediation.StatusAgreement || first.RegisterSessions != 3 ||
			first.OpenedAt.In(shanghai(t)).Format("2006-01-02") != "2024-03-02" || !strings.Contains(first.Summary, "协商后让出") {
			t.Errorf("the first entry became %+v", first)
		}
		counters, err := db.Counters([]string{"2024-03", "2024-04", "2024-05"})
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, c := range counters {
			got = append(got, string(c.Family)+" "+c.Month+" "+string(c.Category)+" "+string(c.Outcome)+" "+strconv.Itoa(c.Value))
		}
		want := []string{"opened 2024-03 parking  0", "opened 2024-04 noise  0", "opened 2024-05 pets  0",
			"closed 2024-03 parking agreement 0", "closed 2024-05 pets withdrawn 0",
			"days 2024-03 parking  18", "days 2024-05 pets  0", "sessions 2024-03 parking  3", "sessions 2024-05 pets  0"}
		if strings.Join(got, "|") != strings.Join(want, "|") {
			t.Errorf("counters\n%v\nwant\n%v", got, want)
		}
	})
	t.Run("ErrABadLineImportsNothing", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "tiaojie.db")
		ledger := writeLedger(t, ledgerHead+
			"2024-03-02,2024-03-20,parking,dongfeng,party_application,agreement,3,张三,李四,\n"+
			"2024-03-03,,parking,dongfeng,party_application,,3,张三,李四,\n"+
			"2024-03-04,,parking,dongfeng,party_application,,3,张三,李四,\n"+
			"2024-03-05,,dragons,dongfeng,party_application,,3,张三,李四,\n")
		err := importCommand(&bytes.Buffer{}, []string{"ledger", "--db", path, ledger})
		if err == nil || !strings.Contains(err.Error(), `line 5: category: unknown code "dragons"`) {
			t.Fatalf("import of a bad register: %v", err)
		}
		if _, statErr := os.Stat(path); statErr == nil && caseCount(t, path) != 0 {
			t.Errorf("a bad register imported cases")
		}
	})
	for name, tc := range map[string]struct{ row, want string }{
		"ErrClosedBeforeAccepted": {"2024-03-05,2024-03-01,parking,dongfeng,party_application,agreement,1,甲,乙,", "line 2: closed_on: 2024-03-01 is before accepted_on 2024-03-05"},
		"ErrOutcomeOfAnOpenCase":  {"2024-03-05,,parking,dongfeng,party_application,agreement,1,甲,乙,", "line 2: outcome:"},
		"ErrUnknownCommunity":     {"2024-03-05,,parking,atlantis,party_application,,1,甲,乙,", `line 2: community: unknown code "atlantis"`},
		"ErrSessions":             {"2024-03-05,,parking,dongfeng,party_application,,many,甲,乙,", "line 2: sessions:"},
		"ErrNoRespondent":         {"2024-03-05,,parking,dongfeng,party_application,,1,甲,,", "line 2: respondent: required"},
		"ErrDate":                 {"2024-13-05,,parking,dongfeng,party_application,,1,甲,乙,", "line 2: accepted_on:"},
		"ErrFutureDate":           {"2999-01-01,,parking,dongfeng,party_application,,1,甲,乙,", "line 2: accepted_on: 2999-01-01 is after today"},
	} {
		t.Run(name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "tiaojie.db")
			err := importCommand(&bytes.Buffer{}, []string{"ledger", "--db", path, writeLedger(t, ledgerHead+tc.row+"\n")})
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("got %v, want %q", err, tc.want)
			}
		})
	}
}

func shanghai(t *testing.T) *time.Location {
	z, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		t.Fatal(err)
	}
	return z
}

// On etcd a register larger than one transaction is imported in several,
// check passes, and the same register again imports nothing.
func TestImportLedgerOnEtcd(t *testing.T) {
	member := etcdtest.New(t)
	flags := []string{"--store", "etcd", "--etcd-endpoints", strings.Join(member.Endpoints, ",")}
	var rows strings.Builder
	rows.WriteString(ledgerHead)
	for i := range 40 {
		fmt.Fprintf(&rows, "2024-%02d-02,2024-%02d-20,parking,dongfeng,party_application,agreement,2,申请人%d,被申请人%d,\n", 1+i%12, 1+i%12, i, i)
	}
	ledger := writeLedger(t, rows.String())
	var out bytes.Buffer
	if err := importCommand(&out, append(append([]string{"ledger"}, flags...), ledger)); err != nil {
		t.Fatalf("import: %v", err)
	}
	if !strings.Contains(out.String(), "imported 40 cases") || !strings.Contains(out.String(), " transactions") {
		t.Errorf("import said %q", out.String())
	}
	if err := checkCommand(&out, flags); err != nil {
		t.Errorf("check: %v", err)
	}
	err := importCommand(&out, append(append([]string{"ledger"}, flags...), ledger))
	if err == nil || !strings.Contains(err.Error(), "was imported into etcd") || !strings.Contains(err.Error(), "nothing was imported again") {
		t.Errorf("the same register again: %v", err)
	}
}
