import GymBridge

// Every command reaches Gymnasium ids (ALE/Pong-v5, gym:CartPole-v1) through the bridge.
Gymnasium.install()
SwiftRLCommand.main()
