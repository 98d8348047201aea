// Package cli is kollenoctl's command tree. It is the only package that knows
// about Cobra, huh, terminals and the process's streams; each command lives in
// a file of its own and calls the internal packages for the work.
package cli

import (
	"errors"
	"fmt"
	"os"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

// Main runs kollenoctl with args and returns the process's exit code.
func Main(args []string, ios *IOStreams) int {
	root := newRootCmd(ios)
	root.SetArgs(args)

	cmd, err := root.ExecuteC()
	if err == nil {
		return ExitOK
	}

	var silent *silentError
	if errors.As(err, &silent) {
		return silent.code
	}

	printError(ios.ErrOut, err, ios.ColorErr())
	var usage *usageError
	if errors.As(err, &usage) && cmd != nil {
		fmt.Fprintf(ios.ErrOut, "\n%s", cmd.UsageString())
	}
	return exitCodeOf(err)
}

func newRootCmd(ios *IOStreams) *cobra.Command {
	root := &cobra.Command{
		Use:   "kollenoctl",
		Short: "Set up and check Kolleno's Salesforce JWT bearer connection",
		Long: `kollenoctl sets up the Salesforce JWT bearer connection that Kolleno reads your org
through: it makes or extracts the key and certificate, then proves the login works.`,
		SilenceErrors:              true,
		SuggestionsMinimumDistance: 2,
		SilenceUsage:               true,
		Args:                       noArgsOrUnknownCommand,
		RunE:                       func(cmd *cobra.Command, _ []string) error { return cmd.Help() },
		PersistentPreRunE:          func(cmd *cobra.Command, _ []string) error { return applyEnv(cmd) },
	}
	root.SetIn(ios.In)
	root.SetOut(ios.Out)
	root.SetErr(ios.ErrOut)
	root.SetFlagErrorFunc(flagError)
	root.SetHelpCommand(newHelpCmd())

	root.AddCommand(
		newKeygenCmd(ios),
		newExtractKeyCmd(ios),
		newInspectCmd(ios),
		newLoginCmd(ios),
		newVerifyCmd(ios),
		newOnboardCmd(ios),
		newVersionCmd(ios),
		newCompletionCmd(ios),
		newExitCodesTopic(),
	)
	return root
}

// noArgsOrUnknownCommand turns an unknown subcommand into a usage error with
// Cobra's "did you mean" suggestions as the hint.
func noArgsOrUnknownCommand(cmd *cobra.Command, args []string) error {
	if len(args) == 0 {
		return nil
	}
	hint := "run 'kollenoctl help' to see the commands"
	if s := cmd.SuggestionsFor(args[0]); len(s) > 0 {
		hint = fmt.Sprintf("did you mean 'kollenoctl %s'?", strings.Join(s, "' or 'kollenoctl "))
	}
	return usageErrorf(hint, "unknown command %q", args[0])
}

// flagError turns pflag's complaint into a usage error, without the Go
// parser's own words ("strconv.ParseInt: parsing ...: invalid syntax").
func flagError(_ *cobra.Command, err error) error {
	msg := err.Error()
	if i := strings.Index(msg, ": strconv."); i >= 0 {
		msg = msg[:i] + ": not a number"
	}
	if i := strings.Index(msg, ": time: "); i >= 0 {
		msg = msg[:i] + ": not a duration"
		return usageErrorf("write a duration such as 30s, 5m or 1h30m", "%s", msg)
	}
	return usageErrorf("", "%s", msg)
}

// exactArgs is cobra.ExactArgs with kollenoctl's usage error.
func exactArgs(n int, what string) cobra.PositionalArgs {
	return func(cmd *cobra.Command, args []string) error {
		if len(args) != n {
			return usageErrorf("", "%s takes %s, got %d", cmd.CommandPath(), what, len(args))
		}
		return nil
	}
}

// minArgs is cobra.MinimumNArgs with kollenoctl's usage error.
func minArgs(n int, what string) cobra.PositionalArgs {
	return func(cmd *cobra.Command, args []string) error {
		if len(args) < n {
			return usageErrorf("", "%s needs %s", cmd.CommandPath(), what)
		}
		return nil
	}
}

const envAnnotation = "kollenoctl_env"

// bindEnv lets the environment variable env supply flag's value when the flag
// is not given on the command line. The flag's help names the variable.
func bindEnv(fs *pflag.FlagSet, flag, env string) {
	f := fs.Lookup(flag)
	if f == nil {
		panic("bindEnv: no flag " + flag) // a programming error, caught by any test
	}
	f.Usage += " (env " + env + ")"
	_ = fs.SetAnnotation(flag, envAnnotation, []string{env})
}

// applyEnv sets every unset flag that has a bound variable from that
// variable. An empty variable counts as unset: CI systems pass "" for a
// secret or variable that was never defined. A true/false flag also takes
// the words people write in CI settings: yes/no, on/off, 1/0.
func applyEnv(cmd *cobra.Command) error {
	var err error
	cmd.Flags().VisitAll(func(f *pflag.Flag) {
		names := f.Annotations[envAnnotation]
		if err != nil || f.Changed || len(names) == 0 {
			return
		}
		v := strings.TrimSpace(os.Getenv(names[0]))
		if v == "" {
			return
		}
		if f.Value.Type() == "bool" {
			v = envBool(v)
		}
		if cmd.Flags().Set(f.Name, v) != nil {
			err = envError(names[0], v, f)
		}
	})
	return err
}

// envBool maps the yes/no and on/off spellings to what pflag parses.
func envBool(v string) string {
	switch strings.ToLower(v) {
	case "yes", "y", "on":
		return "true"
	case "no", "n", "off":
		return "false"
	}
	return v
}

// envError says which variable holds a value its flag cannot take, and what
// the flag takes, without the Go parser's own words.
func envError(name, value string, f *pflag.Flag) error {
	what := "a value --" + f.Name + " accepts"
	switch f.Value.Type() {
	case "bool":
		what = "true or false"
	case "duration":
		what = "a duration such as 30s, 5m or 1h30m"
	case "int":
		what = "a whole number"
	}
	return usageErrorf(fmt.Sprintf("set %s to %s, or unset it", name, what),
		"%s=%q is not a valid value for --%s", name, value, f.Name)
}
