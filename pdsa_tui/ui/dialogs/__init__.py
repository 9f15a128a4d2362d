"""Every dialog (a ``ModalScreen[T]`` closed with ``dismiss()``): forms, prompts, pickers, previews.

Imported when a dialog first opens, never at start: the first screen needs none of them.
"""
