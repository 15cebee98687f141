// Placeholder so the target builds before its first source file lands.
