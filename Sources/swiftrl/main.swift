SwiftRLCommand.main()
