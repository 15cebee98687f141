// The `teledb` executable. `teledb serve` runs the wire server; TeleShell parses every other
// command line and runs it.

import Foundation
import TeleServer
import TeleShell

let arguments = Array(CommandLine.arguments.dropFirst())
if arguments.first == "serve" {
    exit(ServeCommand.main(arguments: Array(arguments.dropFirst())))
}
exit(CommandLineTool.main(arguments: arguments, engine: TeleDBEngine()))
