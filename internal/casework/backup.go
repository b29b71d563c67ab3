package casework

import (
	"io"

	"tiaojie/internal/authz"
	"tiaojie/internal/mediation"
)

// Backup writes a consistent hot copy of the database (the admin only) to
// the writer begin returns once the copy's size is known. It is one read
// transaction, so writes go on meanwhile. The copy holds every case, so who
// took one is on the record, committed before the copy begins (the copy
// itself holds the entry).
func (s *Service) Backup(p mediation.Principal, begin func(size int64) (io.Writer, error)) (int64, error) {
	if err := s.require(p, authz.ObjBackup, authz.ActRead); err != nil {
		return 0, err
	}
	if err := s.authz.Check(p, authz.ActRead, authz.GlobalObject(authz.ObjBackup)); err != nil {
		return 0, err
	}
	if err := s.db.RecordNow(mediation.AuditEntry{Actor: p.Subject(), Action: mediation.AuditBackupRead, Object: "backup"}); err != nil {
		return 0, err
	}
	return s.db.StreamBackup(begin)
}
