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
		fmt.Fprintf(&b, "  %d  %s\n", c.code, c.meaning)
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
