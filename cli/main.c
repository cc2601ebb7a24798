/* main.c — placeholder: the command-line front end lands here. */
#include <stdio.h>

int main(void)
{
	return 2;
}
