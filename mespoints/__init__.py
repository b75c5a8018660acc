"""Mes Points Permis: an open implementation of France's driving-licence points portal."""
