package authz

import (
	"errors"
	"fmt"
	"strings"

	"github.com/casbin/casbin/v2/model"
	"github.com/casbin/casbin/v2/persist"

	"tiaojie/policies"
)

// errLoadOnly is what every write to the adapter answers: the store is the
// only record of grants, and the role rules are the audited embedded file.
var errLoadOnly = errors.New("authz: the policy adapter is load-only; grants are changed in memory after the store commits")

// adapter feeds casbin the embedded role rules. The grants are not casbin's:
// the Authorizer keeps them, rebuilt from the store, and asks casbin about
// each role once, through a probe subject (compile). It never writes, so the
// enforcer must run with auto-save off.
type adapter struct{}

var (
	_ persist.Adapter      = (*adapter)(nil)
	_ persist.BatchAdapter = (*adapter)(nil)
)

// LoadPolicy loads the p lines of policy.csv.
func (a *adapter) LoadPolicy(m model.Model) error {
	for i, line := range strings.Split(policies.Policy, "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		// Grants in policy.csv would bypass the store and the validation
		// below, so the file may hold role rules only.
		if !strings.HasPrefix(line, "p,") {
			return fmt.Errorf("authz: policy.csv:%d: only p lines are allowed", i+1)
		}
		if err := persist.LoadPolicyLine(line, m); err != nil {
			return fmt.Errorf("authz: policy.csv:%d: %w", i+1, err)
		}
	}
	return nil
}

// SavePolicy refuses: the adapter is load-only.
func (a *adapter) SavePolicy(model.Model) error { return errLoadOnly }

// AddPolicy refuses: the adapter is load-only.
func (a *adapter) AddPolicy(string, string, []string) error { return errLoadOnly }

// RemovePolicy refuses: the adapter is load-only.
func (a *adapter) RemovePolicy(string, string, []string) error { return errLoadOnly }

// RemoveFilteredPolicy refuses: the adapter is load-only.
func (a *adapter) RemoveFilteredPolicy(string, string, int, ...string) error { return errLoadOnly }

// AddPolicies refuses: the adapter is load-only. Implemented so that casbin,
// were auto-save ever turned on, gets an error instead of a failed type
// assertion.
func (a *adapter) AddPolicies(string, string, [][]string) error { return errLoadOnly }

// RemovePolicies refuses: the adapter is load-only.
func (a *adapter) RemovePolicies(string, string, [][]string) error { return errLoadOnly }
