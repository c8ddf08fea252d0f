import ArgumentParser

await SwiftRLCommand.main()
