package main

import (
	"bufio"
	"crypto/rand"
	"errors"
	"flag"
	"fmt"
	"os"
	"strings"

	"golang.org/x/term"

	"tiaojie/internal/auth"
	"tiaojie/internal/mediation"
	"tiaojie/internal/store"
)

// userCommand creates a staff account from the command line:
//
//	tiaojie user add --role mediator --username wang.fang --display-name 王芳
func userCommand(args []string) error {
	if len(args) == 0 || args[0] != "add" {
		return errors.New("usage: tiaojie user add --role mediator|office|admin --username NAME [--display-name NAME] [--phone N] [--password-stdin]")
	}
	var cfg Config
	var in mediation.UserInput
	var role string
	var fromStdin bool
	fs := flag.NewFlagSet("user add", flag.ContinueOnError)
	cfg.bindFlags(fs)
	fs.StringVar(&role, "role", "", "mediator, office or admin")
	fs.StringVar(&in.Username, "username", "", "sign-in name")
	fs.StringVar(&in.DisplayName, "display-name", "", "name shown to others (default: the username)")
	fs.StringVar(&in.Phone, "phone", "", "mobile number, for the conflict-of-interest check")
	fs.BoolVar(&fromStdin, "password-stdin", false, "read the password from the first line of standard input")
	if err := fs.Parse(args[1:]); err != nil {
		return err
	}
	in.Role = mediation.Role(role)
	if in.DisplayName == "" {
		in.DisplayName = in.Username
	}
	generated := false
	switch {
	case fromStdin:
		line, err := bufio.NewReader(os.Stdin).ReadString('\n')
		if err != nil && line == "" {
			return fmt.Errorf("read password: %w", err)
		}
		in.Password = strings.TrimRight(line, "\r\n")
	case term.IsTerminal(int(os.Stdin.Fd())):
		pw, err := promptPassword()
		if err != nil {
			return err
		}
		in.Password = pw
	}
	if in.Password == "" {
		in.Password, generated = rand.Text(), true
	}
	db, err := cfg.openStore(store.Options{})
	if err != nil {
		return err
	}
	defer db.Close()
	svc := &auth.Service{DB: db, Params: auth.DefaultParams}
	u, err := svc.CreateUser(&in, "system")
	if err != nil {
		return describe(err)
	}
	fmt.Printf("created %s %q (id %s)\n", u.Role, u.Username, u.ID)
	if generated {
		fmt.Printf("password (shown only this once): %s\n", in.Password)
	}
	return nil
}

func promptPassword() (string, error) {
	fmt.Fprint(os.Stderr, "Password (empty to generate one): ")
	a, err := term.ReadPassword(int(os.Stdin.Fd()))
	fmt.Fprintln(os.Stderr)
	if err != nil || len(a) == 0 {
		return "", err
	}
	fmt.Fprint(os.Stderr, "Again: ")
	b, err := term.ReadPassword(int(os.Stdin.Fd()))
	fmt.Fprintln(os.Stderr)
	if err != nil {
		return "", err
	}
	if string(a) != string(b) {
		return "", errors.New("the two passwords differ")
	}
	return string(a), nil
}

// describe turns a validation error into a line an operator can act on.
func describe(err error) error {
	var e *mediation.Error
	if !errors.As(err, &e) || len(e.Fields) == 0 {
		return err
	}
	var parts []string
	for name, fe := range e.Fields {
		p := name + ": " + strings.TrimPrefix(fe.Key, "validation.")
		if fe.Param != "" {
			p += " " + fe.Param
		}
		parts = append(parts, p)
	}
	return fmt.Errorf("invalid account: %s", strings.Join(parts, "; "))
}
