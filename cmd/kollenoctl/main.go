// Command kollenoctl sets up and checks the Salesforce JWT bearer connection
// that Kolleno uses to read a customer's org.
package main

import (
	"os"

	"github.com/kolleno/kollenoctl/internal/cli"
)

func main() {
	os.Exit(cli.Main(os.Args[1:], cli.System()))
}
