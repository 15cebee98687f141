// The `teledb` executable. TeleShell parses the arguments and runs the command.

import Foundation
import TeleShell

exit(CommandLineTool.main(arguments: Array(CommandLine.arguments.dropFirst()), engine: TeleDBEngine()))
