package cli

import "github.com/spf13/cobra"

// TODO: placeholder until the command is built; replaced by its own file.
func newLoginCmd(ios *IOStreams) *cobra.Command {
	_ = ios
	return &cobra.Command{Use: "login", Hidden: true}
}
