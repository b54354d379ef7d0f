package main

import (
	"context"
	"errors"
	"flag"
	"fmt"

	"github.com/herd-social/herd/node"
)

func admin(args []string) error {
	if len(args) == 0 {
		fmt.Print(usage)
		return errors.New("admin: which command?")
	}
	fs := flag.NewFlagSet("admin "+args[0], flag.ContinueOnError)
	load := configFlags(fs)
	username := fs.String("username", "", "username of the new account")
	email := fs.String("email", "", "email of the new account")
	password := fs.String("password", "", "password of the new account")
	makeAdmin := fs.Bool("admin", false, "give the new account the admin role")
	scopes := fs.String("scopes", "read write follow push", "scopes of the token")
	if err := fs.Parse(args[1:]); err != nil {
		return err
	}
	cfg, err := load()
	if err != nil {
		return err
	}
	n, err := node.Open(cfg, logger())
	if err != nil {
		return err
	}
	defer n.Close()
	ctx := context.Background()
	switch args[0] {
	case "create-account":
		return n.AdminCreateAccount(ctx, *username, *email, *password, *makeAdmin)
	case "make-admin":
		if fs.NArg() != 1 {
			return errors.New("admin make-admin: give one USERNAME")
		}
		return n.AdminMakeAdmin(ctx, fs.Arg(0))
	case "token":
		if fs.NArg() != 1 {
			return errors.New("admin token: give one USERNAME")
		}
		tok, err := n.AdminToken(ctx, fs.Arg(0), *scopes)
		if err != nil {
			return err
		}
		fmt.Println(tok)
		return nil
	}
	return fmt.Errorf("admin: unknown command %q", args[0])
}
