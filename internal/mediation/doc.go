// Package mediation is the domain: cases, parties, submissions and staff
// accounts, their enumerations, the status machine, the validation rules and
// the one error type (Error{Code, Message}); and the vocabulary between the
// operations and their faces (Request, Input, Level, Visible). It imports no
// echo, bbolt or casbin.
package mediation
