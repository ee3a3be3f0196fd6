"""Tests of sign-in and password reset."""
