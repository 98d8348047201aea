package cli

import (
	"fmt"
	"strings"

	"github.com/spf13/cobra"
)

// newExitCodesTopic is `kollenoctl help exit-codes`: a help topic, not a
// command, so it has no Run and Cobra lists it under "Additional help topics".
func newExitCodesTopic() *cobra.Command {
	var b strings.Builder
	b.WriteString("kollenoctl exits with one of these codes, so scripts and CI jobs can tell\n")
	b.WriteString("what went wrong without reading the output:\n\n")
	for _, c := range exitCodes {
		fmt.Fprintf(&b, "  %-3d  %s\n", c.code, c.meaning)
	}
	return &cobra.Command{
		Use:   "exit-codes",
		Short: "What each exit code means",
		Long:  b.String(),
	}
}

func newCompletionCmd(ios *IOStreams) *cobra.Command {
	return &cobra.Command{
		Use:   "completion bash|zsh|fish|powershell",
		Short: "Print a shell completion script",
		Long: `Print a completion script for your shell. For example:

  bash:       source <(kollenoctl completion bash)
  zsh:        kollenoctl completion zsh > "${fpath[1]}/_kollenoctl"
  fish:       kollenoctl completion fish > ~/.config/fish/completions/kollenoctl.fish
  PowerShell: kollenoctl completion powershell | Out-String | Invoke-Expression`,
		ValidArgs: []string{"bash", "zsh", "fish", "powershell"},
		Args:      exactArgs(1, "one shell name: bash, zsh, fish or powershell"),
		RunE: func(cmd *cobra.Command, args []string) error {
			root := cmd.Root()
			switch args[0] {
			case "bash":
				return root.GenBashCompletionV2(ios.Out, true)
			case "zsh":
				return root.GenZshCompletion(ios.Out)
			case "fish":
				return root.GenFishCompletion(ios.Out, true)
			case "powershell":
				return root.GenPowerShellCompletionWithDesc(ios.Out)
			}
			return usageErrorf("choose bash, zsh, fish or powershell", "unknown shell %q", args[0])
		},
	}
}

// newHelpCmd replaces Cobra's help command, which shows the root help, and
// exits 0, for a topic it does not know. Here an unknown topic is a usage
// error with a "did you mean" hint, like an unknown command.
func newHelpCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "help [command]",
		Short: "Help about any command or topic",
		ValidArgsFunction: func(c *cobra.Command, _ []string, _ string) ([]string, cobra.ShellCompDirective) {
			var names []string
			for _, sub := range c.Root().Commands() {
				if sub.IsAvailableCommand() || sub.IsAdditionalHelpTopicCommand() {
					names = append(names, sub.Name())
				}
			}
			return names, cobra.ShellCompDirectiveNoFileComp
		},
		RunE: func(c *cobra.Command, args []string) error {
			target, rest, err := c.Root().Find(args)
			if err != nil || target == nil || len(rest) > 0 || (target == c.Root() && len(args) > 0) {
				return unknownTopic(c.Root(), args)
			}
			target.InitDefaultHelpFlag()
			return target.Help()
		},
	}
}

func unknownTopic(root *cobra.Command, args []string) error {
	topic := strings.Join(args, " ")
	hint := "run 'kollenoctl help' to see the commands and topics"
	if s := suggestTopic(root, args[len(args)-1]); s != "" {
		hint = fmt.Sprintf("did you mean 'kollenoctl help %s'?", s)
	}
	return usageErrorf(hint, "no help topic %q", topic)
}

// suggestTopic finds the command or help topic the user probably meant:
// Cobra's suggestions cover commands only, not topics such as exit-codes.
func suggestTopic(root *cobra.Command, typed string) string {
	if s := root.SuggestionsFor(typed); len(s) > 0 {
		return s[0]
	}
	for _, sub := range root.Commands() {
		if !sub.IsAdditionalHelpTopicCommand() {
			continue
		}
		name := sub.Name()
		if len(typed) >= 4 && (strings.HasPrefix(name, typed) || strings.HasPrefix(typed, name[:4])) {
			return name
		}
	}
	return ""
}
