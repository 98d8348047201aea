// Command gendocs writes kollenoctl's generated documentation: the command
// reference in Markdown and as man pages, the exit codes and the
// troubleshooting page. `make docs` runs it as
//
//	go run ./internal/tools/gendocs docs
//
// It lives here rather than as a hidden kollenoctl command so that the
// released binary carries none of the Markdown and man page code.
package main

import (
	"fmt"
	"os"
)

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: gendocs DIR")
		os.Exit(2)
	}
	files, err := render()
	if err == nil {
		err = write(os.Args[1], files)
	}
	if err != nil {
		fmt.Fprintf(os.Stderr, "gendocs: %v\n", err)
		os.Exit(1)
	}
}
