// Command supportdesk runs the Supportdesk service and its administrative
// tasks. It is the only place where the adapters are wired together.
//
//	supportdesk demo                          serve demo data on 127.0.0.1:8080
//	supportdesk serve --addr HOST:PORT --data DIR [--db DSN] [--demo [--sla-scheme NAME]]
//	supportdesk migrate --data DIR [--db DSN]
//	supportdesk token --data DIR [--db DSN] --user EMAIL
//	supportdesk reindex --data DIR [--db DSN]
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	os.Exit(run(ctx, os.Args[1:], os.Stdout, os.Stderr))
}

const usage = `usage: supportdesk <command> [flags]

commands:
  demo      serve the service with demo data (SQLite in a temporary directory)
  serve     serve the service
  migrate   apply database migrations and exit
  token     print a new API token for a user
  reindex   rebuild the case search index

Run "supportdesk <command> -h" for the flags of a command.
`

// run carries out one command and returns the process exit code.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return 2
	}
	cmd, args := args[0], args[1:]
	cfg := DefaultConfig()
	fs := flag.NewFlagSet(cmd, flag.ContinueOnError)
	fs.SetOutput(stderr)
	var user string
	switch cmd {
	case "demo":
		cfg.DataDir = defaultDemoDir()
		cfg.Demo = true
		// The demo's community is made up, like its organisations.
		cfg.CommunityURL = "https://community.desk.example"
		cfg.ServeFlags(fs)
	case "serve":
		cfg.ServeFlags(fs)
	case "migrate", "reindex":
		cfg.StoreFlags(fs)
	case "token":
		cfg.StoreFlags(fs)
		fs.StringVar(&user, "user", "", "e-mail address of the user the token is for")
	case "-h", "-help", "--help", "help":
		fmt.Fprint(stdout, usage)
		return 0
	default:
		fmt.Fprintf(stderr, "supportdesk: unknown command %q\n\n%s", cmd, usage)
		return 2
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	if err := cfg.FromEnv(fs); err != nil {
		fmt.Fprintln(stderr, "supportdesk:", err)
		return 2
	}
	if err := cfg.Validate(); err != nil {
		fmt.Fprintln(stderr, "supportdesk:", err)
		return 2
	}
	logger := slog.New(slog.NewJSONHandler(stderr, &slog.HandlerOptions{Level: cfg.LogLevel}))
	var err error
	switch cmd {
	case "demo", "serve":
		err = serve(ctx, cfg, logger, stdout)
	case "migrate":
		err = migrate(ctx, cfg, stdout)
	case "token":
		err = token(ctx, cfg, user, stdout)
	case "reindex":
		err = reindex(ctx, cfg, stdout)
	}
	if err != nil {
		fmt.Fprintln(stderr, "supportdesk:", err)
		return 1
	}
	return 0
}
