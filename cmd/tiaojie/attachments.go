package main

import (
	"flag"
	"fmt"
	"os"
	"strconv"

	"tiaojie/internal/mediation"
)

// bindAttachmentFlags defines the attachments' flags.
func (c *Config) bindAttachmentFlags(fs *flag.FlagSet) {
	def := int64(mediation.DefaultCaseQuota >> 20)
	if v, ok := os.LookupEnv("TIAOJIE_CASE_QUOTA"); ok && v != "" {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			c.envErrs = append(c.envErrs, fmt.Errorf("TIAOJIE_CASE_QUOTA=%q is not a number of MiB", v))
		} else {
			def = n
		}
	}
	fs.Int64Var(&c.CaseQuotaMiB, "case-quota", def,
		"the most MiB of attachments (photos, documents) one case may hold (env TIAOJIE_CASE_QUOTA)")
}

// validateAttachments reports a quota that cannot be one.
func (c *Config) validateAttachments() error {
	if c.CaseQuotaMiB < 1 || c.CaseQuotaMiB > 1<<20 {
		return fmt.Errorf("--case-quota %d is not between 1 and %d MiB", c.CaseQuotaMiB, 1<<20)
	}
	return nil
}
