package auth

import (
	"errors"
	"fmt"
	"time"

	"tiaojie/internal/mediation"
	"tiaojie/internal/store"
)

// touchEvery is how stale a login's last-seen time may grow before a request
// writes it again; it keeps the idle timeout honest without a disk write per
// request.
const touchEvery = time.Minute

// Service signs staff and parties in and out, with their logins kept in the store.
type Service struct {
	DB              *store.DB
	Params          Params
	IdleTimeout     time.Duration
	AbsoluteTimeout time.Duration
	// InvitationTTL is how long an invitation works until its first use;
	// zero never expires.
	InvitationTTL time.Duration
	// HashBudget is the memory, in bytes, all concurrent password and PIN
	// hashes may take (DefaultHashBudget when zero); HashWait how long one
	// waits for its turn (DefaultHashWait when zero).
	HashBudget int64
	HashWait   time.Duration

	cap hashSlots
}

// Credential is what a sign-in hands the client: the cookie value that carries
// the login id and its secret.
type Credential struct {
	Cookie string
	MaxAge time.Duration
}

var errLoginFailed = &mediation.Error{Code: mediation.EUNAUTHORIZED, Message: "error.login_failed"}

// errNoLogin is the one answer for every missing, forged or expired login.
var errNoLogin = mediation.Unauthorized()

var errInvitation = &mediation.Error{Code: mediation.EUNAUTHORIZED, Message: "error.invitation_invalid"}

// Login checks a staff user's password and starts a new login. An unknown
// username and a wrong password answer the same, after the same work.
func (s *Service) Login(username, password string) (Credential, *mediation.User, error) {
	u, err := s.DB.UserByName(username)
	if mediation.ErrorCode(err) == mediation.ENOTFOUND {
		if busy := s.hashing(func() { DummyVerify(password, s.Params) }); busy != nil {
			return Credential{}, nil, busy
		}
		return Credential{}, nil, errLoginFailed
	} else if err != nil {
		return Credential{}, nil, err
	}
	ok, err := s.verify(password, u.PasswordHash)
	if mediation.ErrorCode(err) == mediation.EUNAVAILABLE {
		return Credential{}, nil, err
	}
	if err != nil {
		return Credential{}, nil, fmt.Errorf("auth: verify password of user %d: %w", u.ID, err)
	}
	if !ok || !u.Active() {
		return Credential{}, nil, errLoginFailed
	}
	cred, err := s.start(store.Login{UserID: u.ID}, &mediation.AuditEntry{
		Actor: mediation.UserSubject(u.ID), Action: mediation.AuditLogin, Object: "user:" + u.ID.String()})
	return cred, u, err
}

// errPIN is a wrong PIN: EUNAUTHORIZED, counted like a wrong token.
var errPIN = &mediation.Error{Code: mediation.EUNAUTHORIZED, Message: "error.pin_wrong"}

// Redeem exchanges a party's invitation token and its PIN for a login on its
// case. At the first entry (or the first after a reset) the PIN given
// becomes the party's; at every later one it must match. A PIN that is not
// six digits is EINVALID on "pin"; a wrong one is EUNAUTHORIZED.
func (s *Service) Redeem(token, pin string) (Credential, *mediation.Party, error) {
	if !ValidTokenSyntax(token) {
		return Credential{}, nil, errInvitation
	}
	inv, err := s.DB.Invitation(HashToken(token))
	if mediation.ErrorCode(err) == mediation.ENOTFOUND {
		return Credential{}, nil, errInvitation
	} else if err != nil {
		return Credential{}, nil, err
	}
	if inv.Expired(s.DB.Now().UTC(), s.InvitationTTL) {
		return Credential{}, nil, errInvitation
	}
	if !mediation.ValidPIN(pin) {
		return Credential{}, nil, mediation.Invalid("pin", "validation.pin", "")
	}
	var pinHash string
	if inv.PINHash == "" {
		var err error
		if pinHash, err = s.HashPassword(pin); err != nil {
			return Credential{}, nil, err
		}
	} else if ok, err := s.verify(pin, inv.PINHash); mediation.ErrorCode(err) == mediation.EUNAVAILABLE {
		return Credential{}, nil, err
	} else if err != nil {
		return Credential{}, nil, fmt.Errorf("auth: verify PIN of party %d: %w", inv.PartyID, err)
	} else if !ok {
		return Credential{}, nil, errPIN
	}
	p, err := s.DB.Party(inv.PartyID)
	if err != nil {
		return Credential{}, nil, err
	}
	cred, err := s.startWith(store.Login{PartyID: p.ID, CaseID: p.CaseID}, &mediation.AuditEntry{
		CaseID: p.CaseID, Actor: mediation.PartySubject(p.ID), Action: mediation.AuditAccess,
		Object: "party:" + p.ID.String()}, func(l *store.Login, audit *mediation.AuditEntry) error {
		switch err := s.DB.Redeem(inv.TokenHash, l, audit, pinHash); mediation.ErrorCode(err) {
		case mediation.ENOTFOUND:
			return errInvitation // replaced meanwhile
		case mediation.ECONFLICT:
			return errPIN // set meanwhile, by another entry: this one did not know it
		default:
			return err
		}
	})
	return cred, p, err
}

func (s *Service) start(l store.Login, audit *mediation.AuditEntry) (Credential, error) {
	return s.startWith(l, audit, s.DB.CreateLogin)
}

// startWith makes the login's credential and stores the login by create.
func (s *Service) startWith(l store.Login, audit *mediation.AuditEntry, create func(*store.Login, *mediation.AuditEntry) error) (Credential, error) {
	id, secret, cookie, err := NewLoginCredential()
	if err != nil {
		return Credential{}, err
	}
	now := s.DB.Now().UTC()
	l.ID, l.SecretHash, l.CreatedAt, l.LastSeen = id, HashSecret(secret), now, now
	audit.At = now
	if err := create(&l, audit); err != nil {
		return Credential{}, err
	}
	return Credential{Cookie: cookie, MaxAge: s.AbsoluteTimeout}, nil
}

// Authenticate turns a login cookie into the principal it belongs to, and
// returns the login id. Every failure is EUNAUTHORIZED, whatever its cause.
func (s *Service) Authenticate(cookie string) (mediation.Principal, []byte, error) {
	id, secret, ok := ParseLoginCookie(cookie)
	if !ok {
		return mediation.Principal{}, nil, errNoLogin
	}
	l, err := s.DB.Login(id)
	if err != nil || !SecretMatches(secret, l.SecretHash) {
		if err != nil && mediation.ErrorCode(err) != mediation.ENOTFOUND {
			return mediation.Principal{}, nil, err
		}
		return mediation.Principal{}, nil, errNoLogin
	}
	now := s.DB.Now().UTC()
	if s.Expired(l, now) {
		return mediation.Principal{}, nil, errors.Join(errNoLogin, s.DB.DeleteLogin(id))
	}
	p := mediation.Principal{PartyID: l.PartyID, CaseID: l.CaseID}
	if l.UserID != 0 {
		u, err := s.DB.User(l.UserID)
		if err != nil || !u.Active() {
			return mediation.Principal{}, nil, errNoLogin
		}
		p.UserID, p.Role = u.ID, u.Role
	}
	if now.Sub(l.LastSeen) > touchEvery {
		if err := s.DB.TouchLogin(id, now); err != nil {
			return mediation.Principal{}, nil, err
		}
	}
	return p, id, nil
}

// Expired reports whether the login has been idle or alive too long.
func (s *Service) Expired(l *store.Login, now time.Time) bool {
	return now.Sub(l.LastSeen) > s.IdleTimeout || now.Sub(l.CreatedAt) > s.AbsoluteTimeout
}

// Logout ends the login.
func (s *Service) Logout(id []byte) error { return s.DB.DeleteLogin(id) }

// NewInvitation makes an invitation for a party of a case, returning the token
// to hand over once; only its hash is kept.
func (s *Service) NewInvitation(party, caseID, by mediation.ID) (string, *mediation.Invitation, error) {
	token, err := NewToken()
	if err != nil {
		return "", nil, err
	}
	return token, &mediation.Invitation{PartyID: party, CaseID: caseID, TokenHash: HashToken(token),
		CreatedBy: by, CreatedAt: s.DB.Now().UTC()}, nil
}

// HashPassword hashes a new password with the service's parameters.
func (s *Service) HashPassword(password string) (hash string, err error) {
	if busy := s.hashing(func() { hash, err = HashPassword(password, s.Params) }); busy != nil {
		return "", busy
	}
	return hash, err
}

// NewUser validates a new staff account and hashes its password, ready to
// be stored.
func (s *Service) NewUser(in *mediation.UserInput) (*mediation.User, error) {
	u, err := mediation.NewUser(in, s.DB.Now().UTC())
	if err != nil {
		return nil, err
	}
	if u.PasswordHash, err = s.HashPassword(in.Password); err != nil {
		return nil, err
	}
	return u, nil
}

// CreateUser validates a new staff account, hashes its password and stores it.
func (s *Service) CreateUser(in *mediation.UserInput, actor string, opts ...store.Option) (*mediation.User, error) {
	u, err := s.NewUser(in)
	if err != nil {
		return nil, err
	}
	if err := s.DB.CreateUser(u, actor, opts...); err != nil {
		return nil, err
	}
	return u, nil
}
